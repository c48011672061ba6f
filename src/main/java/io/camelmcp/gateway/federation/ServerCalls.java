package io.camelmcp.gateway.federation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.CallPolicy;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * One route per server for its calls, made from the {@code server-call} route template of forward.yaml: each has
 * its own circuit breaker (Camel's {@code circuitBreaker} EIP on the Resilience4j instance made here from the
 * server's {@link CallPolicy}) and its own bulkhead, so that a failing or slow server is refused at once while every
 * other server is served as before. A server's route is made at its first call and removed with its registration;
 * a new registration of the name (another URL, other settings) gets a new route and a closed breaker.
 * <p>
 * Only the server's own failures count against it ({@link #upstreamFault}): no answer, a broken or invalid answer,
 * an HTTP error without JSON-RPC. A JSON-RPC error it answers is a success; a request the gateway refuses itself
 * (before or instead of sending it) does not count.
 */
public final class ServerCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCalls.class);
    /** The route template in forward.yaml that every server's route is made from. */
    public static final String TEMPLATE = "server-call";
    /** The name a server's breaker is bound under in Camel's registry, followed by its route's key. */
    private static final String BREAKER = "mcpServerBreaker-";

    /** A server's route and breaker, for one registration of it. */
    private record Instance(ServerRegistration registration, String key, String routeId, String uri,
                            CircuitBreaker breaker, CallPolicy policy) {}

    private final CamelContext camel;
    private final CallPolicy defaults;
    /** The registrations in force, which alone get a route. */
    private final java.util.function.Supplier<RegistrySnapshot> registry;
    private final Map<String, Instance> byServer = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final java.util.List<Runnable> stateListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ServerCalls(CamelContext camel, CallPolicy defaults, java.util.function.Supplier<RegistrySnapshot> registry) {
        this.camel = camel;
        this.defaults = defaults;
        this.registry = registry;
    }

    /**
     * forward.yaml's step before the call: the endpoint of the target server's route (made now at its first call),
     * as the exchange property {@code mcpServerCall} that the route's {@code toD} goes to.
     */
    public void route(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                      @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        exchange.setProperty(McpExchange.SERVER_CALL, instance(server.registration(), msg).uri);
    }

    private Instance instance(ServerRegistration registration, JsonRpcMessage msg) {
        Instance i = byServer.get(registration.name());
        if (i != null && (i.registration == registration || i.registration.equals(registration))) {
            return i;
        }
        return make(registration, msg);
    }

    private synchronized Instance make(ServerRegistration registration, JsonRpcMessage msg) {
        Instance i = byServer.get(registration.name());
        if (i != null && i.registration.equals(registration)) {
            return i;
        }
        RegistrySnapshot.Entry current = registry.get().server(registration.name());
        if (current == null || !current.registration().equals(registration)) {
            // the call was routed with a registration that has just been replaced or removed: no route is made for it
            // (it would bring back a retired breaker); the client's retry meets the registration in force
            throw McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + registration.name() + "' is "
                    + (current == null ? "no longer registered" : "registered anew; retry the call"), msg.id(),
                    Map.of("server", registration.name()));
        }
        if (i != null) {
            retire(i);
        }
        CallPolicy policy = registration.policy().orElse(defaults);
        CircuitBreaker breaker = breaker(registration.name(), policy);
        String key = "s" + ids.incrementAndGet();
        String routeId = TEMPLATE + "-" + key;
        // the EIP finds the breaker by name in Camel's registry when the route is made
        camel.getRegistry().bind(BREAKER + key, CircuitBreaker.class, breaker);
        try {
            TemplatedRouteBuilder.builder(camel, TEMPLATE)
                    .routeId(routeId)
                    .parameter("key", key)
                    .parameter("server", registration.name())
                    .parameter("breaker", BREAKER + key)
                    .parameter("maxConcurrentCalls", policy.maxConcurrentCalls())
                    .add();
        } catch (Exception e) {
            camel.getRegistry().unbind(BREAKER + key);
            LOG.warn("The route of MCP server '{}' cannot be made from the {} route template: {}", registration.name(),
                    TEMPLATE, e.getMessage());
            throw McpException.rpc(ErrorCodes.INTERNAL_ERROR, "the gateway cannot route calls to MCP server '"
                    + registration.name() + "': its " + TEMPLATE + " route template does not make a route (see the "
                    + "gateway's log)", msg.id(), Map.of("server", registration.name()));
        }
        // block=false: a call that meets a route being retired fails at once instead of waiting 30 s for a consumer
        Instance made = new Instance(registration, key, routeId, "direct:" + TEMPLATE + "-" + key + "?block=false",
                breaker, policy);
        byServer.put(registration.name(), made);
        stateListeners.forEach(Runnable::run); // a breaker to show now (CLOSED)
        return made;
    }

    private CircuitBreaker breaker(String server, CallPolicy p) {
        CircuitBreaker breaker = CircuitBreaker.of(server, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(p.slidingWindowSize())
                .minimumNumberOfCalls(p.minimumNumberOfCalls())
                .failureRateThreshold(p.failureRateThreshold())
                .slowCallRateThreshold(p.slowCallRateThreshold())
                .slowCallDurationThreshold(p.slowCallDuration())
                .waitDurationInOpenState(p.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(p.halfOpenCalls())
                // the status shows half-open once the wait is over, not only at the next call
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(ServerCalls::upstreamFault)
                .ignoreException(t -> !upstreamFault(t))
                .writableStackTraceEnabled(false)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.StateTransition t = e.getStateTransition();
            if (t.getToState() == CircuitBreaker.State.OPEN) {
                LOG.warn("Circuit breaker of MCP server '{}' opened ({} -> OPEN): failure rate {}%, slow-call rate {}% of "
                        + "its last {} calls; calls are refused for {}", server, t.getFromState(),
                        rate(breaker.getMetrics().getFailureRate()), rate(breaker.getMetrics().getSlowCallRate()),
                        breaker.getMetrics().getNumberOfBufferedCalls(), p.waitInOpenState());
            } else {
                LOG.info("Circuit breaker of MCP server '{}': {}", server, t);
            }
            stateListeners.forEach(Runnable::run);
        });
        return breaker;
    }

    /** What counts against a server: a -32001 (no answer, broken or invalid answer), however wrapped. */
    static boolean upstreamFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof McpException m) {
                return m.code() == ErrorCodes.UPSTREAM_UNAVAILABLE;
            }
        }
        return false;
    }

    /**
     * forward.yaml's answer when the breaker or the bulkhead refuses a call: -32001 with {@code data.server} (and the
     * breaker's state), at once, without the server being asked.
     */
    public void refused(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught,
                        @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                        @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        Instance i = byServer.get(server.name());
        String why;
        String state;
        if (caught instanceof BulkheadFullException) {
            int max = i == null ? defaults.maxConcurrentCalls() : i.policy.maxConcurrentCalls();
            why = "it has " + max + " calls waiting for its answer already (max-concurrent-calls)";
            state = "BULKHEAD_FULL";
        } else if (caught instanceof CallNotPermittedException && i == null) { // retired meanwhile
            why = "its circuit breaker is open";
            state = "OPEN";
        } else if (caught instanceof CallNotPermittedException) {
            CircuitBreaker.Metrics m = i.breaker.getMetrics();
            state = i.breaker.getState().name();
            why = i.breaker.getState() == CircuitBreaker.State.HALF_OPEN
                    ? "its circuit breaker is half-open and already trying " + i.policy.halfOpenCalls() + " calls"
                    : "its circuit breaker is open (failure rate " + rate(m.getFailureRate()) + "%, slow-call rate "
                    + rate(m.getSlowCallRate()) + "% of its last " + m.getNumberOfBufferedCalls()
                    + " calls); calls are let through again after " + i.policy.waitInOpenState();
        } else {
            throw caught instanceof RuntimeException r ? r : new IllegalStateException(caught);
        }
        throw McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + server.name() + "' is unavailable: " + why,
                msg.id(), Map.of("server", server.name(), "breaker", state));
    }

    /** A call's streamed answer failed after its route had returned (broke off, timed out, invalid): it counts. */
    public void failed(ServerRegistration server, long startedNanos, String why) {
        Instance i = byServer.get(server.name());
        if (i != null && i.registration.equals(server)) {
            i.breaker.onError(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS,
                    McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE, why, null));
        }
    }

    /** The breaker of {@code server} for the status: state and the window's numbers; null before its first call. */
    public Map<String, Object> describe(String server) {
        Instance i = byServer.get(server);
        if (i == null) {
            return null;
        }
        CircuitBreaker.Metrics m = i.breaker.getMetrics();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", i.breaker.getState().name());
        out.put("failureRate", m.getFailureRate() < 0 ? null : m.getFailureRate());
        out.put("slowCallRate", m.getSlowCallRate() < 0 ? null : m.getSlowCallRate());
        out.put("bufferedCalls", m.getNumberOfBufferedCalls());
        out.put("failedCalls", m.getNumberOfFailedCalls());
        out.put("slowCalls", m.getNumberOfSlowCalls());
        out.put("notPermittedCalls", m.getNumberOfNotPermittedCalls());
        out.put("failureRateThreshold", i.policy.failureRateThreshold());
        out.put("waitInOpenState", i.policy.waitInOpenState().toString());
        out.put("maxConcurrentCalls", i.policy.maxConcurrentCalls());
        return out;
    }

    /** The breaker's state of {@code server}: CLOSED, OPEN, HALF_OPEN; null before its first call. */
    public String breakerState(String server) {
        Instance i = byServer.get(server);
        return i == null ? null : i.breaker.getState().name();
    }

    /** {@code listener} runs whenever a server's breaker changes state (on the thread of the call that changed it). */
    public void onStateChange(Runnable listener) {
        stateListeners.add(listener);
    }

    /** A registry listener: the routes of servers no longer registered (or registered anew) are removed. */
    public void registryChanged(RegistrySnapshot snapshot) {
        for (Instance i : byServer.values()) {
            RegistrySnapshot.Entry e = snapshot.server(i.registration.name());
            if (e == null || !e.registration().equals(i.registration)) {
                synchronized (this) {
                    if (byServer.get(i.registration.name()) == i) {
                        retire(i);
                    }
                }
            }
        }
    }

    /**
     * A route file was reloaded, perhaps with another {@code server-call} template: every server's route is made
     * again from the template in force at its next call (its breaker starts closed).
     */
    public synchronized void templatesChanged() {
        for (Instance i : byServer.values()) {
            retire(i);
        }
    }

    /** Removes a route made for a registration that is gone; calls in flight on it finish on what they hold. */
    private void retire(Instance i) {
        byServer.remove(i.registration.name(), i);
        Thread.ofVirtual().name("mcp-server-call-remove").start(() -> {
            try {
                camel.getRouteController().stopRoute(i.routeId, 2, TimeUnit.SECONDS);
                camel.removeRoute(i.routeId);
                camel.getRegistry().unbind(BREAKER + i.key);
            } catch (Exception e) {
                LOG.debug("Route {} of MCP server '{}' not removed: {}", i.routeId, i.registration.name(), e.toString());
            }
        });
    }

    private static float rate(float r) {
        return r < 0 ? 0 : Math.round(r * 10) / 10f;
    }
}
