package io.camelmcp.gateway.session;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.McpException;

/**
 * Makes trouble with the shared store explicit: a call that fails because the store is unreachable becomes a
 * 503 with a JSON-RPC error naming the cause (never a silent fallback to memory, which would split sessions),
 * and an outage is logged once when it starts and once when it ends, however many requests it fails.
 */
public class StoreOutage {

    private static final Logger LOG = LoggerFactory.getLogger(StoreOutage.class);

    private final String store;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile String cause;

    /** @param store what the store is, for messages (e.g. "Redis at 10.0.0.5:6379") */
    public StoreOutage(String store) {
        this.store = store;
    }

    public <T> T call(Supplier<T> operation) {
        T result;
        try {
            result = operation.get();
        } catch (DataAccessException e) {
            throw failed(e);
        }
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("The session store ({}) answers again", store);
        }
        return result;
    }

    private McpException failed(DataAccessException e) {
        String why = rootMessage(e);
        cause = why;
        if (down.compareAndSet(false, true)) {
            LOG.warn("The session store ({}) is unreachable: {}. Requests that need it are answered 503 until it is back",
                    store, why);
        }
        return McpException.http(503, ErrorCodes.INTERNAL_ERROR, "Service Unavailable: the session store (" + store
                + ") is unreachable: " + why);
    }

    public boolean isDown() {
        return down.get();
    }

    /** Why the last call failed, or null. */
    public String cause() {
        return cause;
    }

    public String store() {
        return store;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
