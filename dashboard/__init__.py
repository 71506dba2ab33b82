"""监管驾驶舱 The supervisor dashboard and inspector workspace (Dash, mounted at /dashboard/)."""
