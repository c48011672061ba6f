package io.camelmcp.gateway.kubernetes;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A session store Secret that cannot be read stops start-up with its message and what to do, no stack trace. */
class SessionStoreSecretFailureAnalyzer extends AbstractFailureAnalyzer<SessionStoreSecret.Failure> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SessionStoreSecret.Failure cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check the MCPGatewayExtension named by mcp.gateway.kubernetes.extension, the Secret named by its "
                        + "spec.sessionStore.secretName (keys: url, or host with port, username, password, database, "
                        + "ssl) and that the gateway's service account may get both (docs/kubernetes.md).", cause);
    }
}
