"""HTTP routes: thin handlers that read the request, call a service and answer JSON."""
