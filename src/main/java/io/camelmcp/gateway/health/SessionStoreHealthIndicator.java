package io.camelmcp.gateway.health;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import io.camelmcp.gateway.session.SessionStore;

/**
 * {@code sessionStore} in the readiness group: a replica whose shared store does not answer cannot serve sessions,
 * so it takes no traffic until the store is back (the memory store is always up).
 */
public class SessionStoreHealthIndicator extends AbstractHealthIndicator {

    private final SessionStore store;

    public SessionStoreHealthIndicator(SessionStore store) {
        super("The session store cannot be reached");
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("store", store.describe());
        try {
            store.check();
            builder.up();
        } catch (RuntimeException e) {
            builder.down().withDetail("error", e.getMessage());
        }
    }
}
