package io.camelmcp.gateway.health;

import java.util.function.BooleanSupplier;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import io.camelmcp.gateway.session.SessionStore;

/**
 * {@code sessionStore} in the readiness group: a replica whose shared store does not answer cannot serve sessions,
 * so it takes no traffic until the store is back (the memory store is always up); nor can one that does not hear the
 * other replicas' messages.
 */
public class SessionStoreHealthIndicator extends AbstractHealthIndicator {

    private final SessionStore store;
    private final BooleanSupplier replicasListening;

    /** @param replicasListening whether this replica hears the others (Redis pub/sub subscribed); always true alone */
    public SessionStoreHealthIndicator(SessionStore store, BooleanSupplier replicasListening) {
        super("The session store cannot be reached");
        this.store = store;
        this.replicasListening = replicasListening;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("store", store.describe());
        try {
            store.check();
            if (replicasListening.getAsBoolean()) {
                builder.up();
            } else {
                // a replica that misses the others' messages would keep streams of ended sessions, miss cancellations
                builder.down().withDetail("error", "not subscribed to the other replicas' messages (yet)");
            }
        } catch (RuntimeException e) {
            builder.down().withDetail("error", e.getMessage());
        }
    }
}
