"""LocalStack Lambda runtime executor that runs Node.js functions on the host, without Docker."""
