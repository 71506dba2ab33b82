"""Risk measured, not assumed: outcomes by class against the random control sample, features
from the event history as of a date, a learned model judged out of sample, a policy lab.

Pure numpy modules (stats, features, evaluation, policy, synthetic) carry no database or model
library; ``model_training`` alone imports scikit-learn and is never imported by the API."""
