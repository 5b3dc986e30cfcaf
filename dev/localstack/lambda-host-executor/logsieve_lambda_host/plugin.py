from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class HostNodeExecutorPlugin(RuntimeExecutorPlugin):
    """Selected with LAMBDA_RUNTIME_EXECUTOR=host-node."""

    name = "host-node"

    def load(self, *args, **kwargs):
        from logsieve_lambda_host.executor import HostNodeRuntimeExecutor

        return HostNodeRuntimeExecutor
