package io.camelmcp.gateway.registration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.common.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.DiscoveryService;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/**
 * The beans of registration-api.yaml: who may call (API key, registration token), how fast, and what each operation
 * answers. Each method reads the exchange the rest DSL made and sets the answer; a refusal is a {@link Problem}, which
 * the routes' error handler renders with {@link #problem}.
 */
public class RegistrationApi {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationApi.class);
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String KEY_CHALLENGE = "ApiKey realm=\"mcp-gateway-registration\", header=\"X-API-Key\"";
    private static final String TOKEN_CHALLENGE = "Bearer realm=\"mcp-gateway-registration\"";
    /** The exchange property holding the registration an operation is about, once its caller is authorised. */
    static final String REGISTRATION = RegistrationApi.class.getName() + ".registration";
    /** Rate limiters kept at most (one per client); past it they all start over. */
    private static final int MAX_LIMITERS = 10_000;

    private final Registrations registrations;
    private final ApiKeys keys;
    private final ServerRegistry registry;
    private final Catalog catalog;
    private final Function<String, Optional<DiscoveryService.Failure>> lastError;
    private final ObjectMapper mapper;
    private final RateLimiterRegistry limiters;

    public RegistrationApi(Registrations registrations, ApiKeys keys, ServerRegistry registry, Catalog catalog,
                           Function<String, Optional<DiscoveryService.Failure>> lastError, ObjectMapper mapper, RegistrationProperties props) {
        this.registrations = registrations;
        this.keys = keys;
        this.registry = registry;
        this.catalog = catalog;
        this.lastError = lastError;
        this.mapper = mapper;
        this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(props.getRateLimit())
                .limitRefreshPeriod(props.getRatePeriod())
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    // ---- who may call ---------------------------------------------------------------------------------------

    /** {@code X-API-Key} must be one of the configured keys. */
    public void apiKey(Exchange exchange) {
        String key = header(exchange, "X-API-Key");
        if (key == null) {
            throw Problem.unauthorized("an API key is required in the X-API-Key header", KEY_CHALLENGE);
        }
        if (!keys.matches(key)) {
            throw refused(exchange, "the API key is not valid", KEY_CHALLENGE);
        }
    }

    /**
     * The registration named by the path must exist (404) and the caller must hold its token
     * ({@code Authorization: Bearer}) or, where {@code keyToo}, an API key.
     */
    public void token(Exchange exchange, boolean keyToo) {
        String bearer = bearer(header(exchange, "Authorization"));
        String key = keyToo ? header(exchange, "X-API-Key") : null;
        if (bearer == null && key == null) {
            throw Problem.unauthorized("the registration's token is required: Authorization: Bearer <token>"
                    + (keyToo ? " (or an API key in X-API-Key)" : ""), TOKEN_CHALLENGE);
        }
        Registration r = registrations.require(exchange.getMessage().getHeader("server_id", String.class));
        boolean allowed = bearer != null ? registrations.tokenMatches(r, bearer) : keys.matches(key);
        if (!allowed) {
            throw refused(exchange, bearer != null ? "the token is not this registration's" : "the API key is not valid",
                    bearer != null ? TOKEN_CHALLENGE : KEY_CHALLENGE);
        }
        exchange.setProperty(REGISTRATION, r);
    }

    /** At most rate-limit registrations per rate-period from one client (its API key and address); else 429. */
    public void throttle(Exchange exchange) {
        limit("register:" + ApiKeys.sha256Hex(String.valueOf(header(exchange, "X-API-Key"))) + "@" + address(exchange),
                "too many registrations from this client");
    }

    /** A wrong key or token: 401, or 429 once one address has guessed rate-limit times in a rate-period. */
    private Problem refused(Exchange exchange, String detail, String challenge) {
        limit("refused@" + address(exchange), "too many refused credentials from this address");
        return Problem.unauthorized(detail, challenge);
    }

    private void limit(String client, String what) {
        if (limiters.getAllRateLimiters().size() > MAX_LIMITERS) {
            // many distinct clients (addresses): start over rather than grow without bound
            limiters.getAllRateLimiters().forEach(l -> limiters.remove(l.getName()));
        }
        RateLimiter limiter = limiters.rateLimiter(client);
        if (!limiter.acquirePermission()) {
            long nanos = limiter instanceof AtomicRateLimiter a ? a.getDetailedMetrics().getNanosToWait() : 0;
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos) + 1);
            throw new Problem(429, "Too Many Requests", what + "; retry after " + seconds + " s", null,
                    Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    // ---- what each operation does ---------------------------------------------------------------------------

    /** {@code POST /register}: 201 with the id, the token (only now), the prefix and the heartbeat interval. */
    public void register(Exchange exchange) {
        Registrations.Registered done = registrations.register(RegistrationRequest.register(json(exchange)));
        Registration r = done.registration();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("server_id", r.id());
        out.put("token", done.token());
        out.put("prefix", r.prefix());
        out.put("heartbeat_interval_seconds", registrations.heartbeatSeconds());
        answer(exchange, 201, out);
        exchange.getMessage().setHeader("Location", "/api/v1/servers/" + r.id());
        HttpMessage http = exchange.getIn(HttpMessage.class);
        if (http != null) { // on the response itself: Camel's header filter drops Cache-Control from the message's
            http.getResponse().setHeader("Cache-Control", "no-store"); // it holds the token
        }
    }

    /** {@code POST /servers/{id}/heartbeat}: 200 with the server's status. */
    public void heartbeat(Exchange exchange) {
        Registration r = registrations.heartbeat(registration(exchange));
        answer(exchange, 200, view(r.name(), r));
    }

    /** {@code PUT /servers/{id}}: url, prefix, transport, healthPath, metadata replaced; 200 with the status. */
    public void update(Exchange exchange) {
        Registration current = registration(exchange);
        Registration next = registrations.update(current, RegistrationRequest.update(json(exchange), current));
        answer(exchange, 200, view(next.name(), next));
    }

    /** {@code DELETE /servers/{id}}: 204. */
    public void delete(Exchange exchange) {
        registrations.delete(registration(exchange));
        Message m = cleared(exchange);
        m.setBody(null);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        m.removeHeader(Exchange.CONTENT_TYPE);
    }

    /** {@code GET /servers}: every server, whatever registered it (a registration a server of another source shadows too). */
    public void list(Exchange exchange) {
        List<Map<String, Object>> servers = new ArrayList<>();
        java.util.Set<String> listed = new java.util.HashSet<>();
        Map<String, Registration> byName = registrations.seenByName();
        for (RegistrySnapshot.Entry e : registry.snapshot().servers()) {
            Registration r = byName.get(e.name());
            if (r != null && !Registrations.SOURCE.equals(e.registration().source())) {
                servers.add(view(e.name(), null)); // the other source's server; the registration follows below
            } else {
                servers.add(view(e.name(), r));
                if (r != null) {
                    listed.add(r.id());
                }
            }
        }
        for (Registration r : byName.values()) {
            if (!listed.contains(r.id())) {
                servers.add(view(r.name(), r));
            }
        }
        answer(exchange, 200, Map.of("servers", servers));
    }

    /** {@code GET /servers/{id}}: a REST registration by its id, or any server by its name. */
    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("server_id", String.class);
        RegistrySnapshot.Entry byName = registry.snapshot().server(id);
        if (byName != null && !Registrations.SOURCE.equals(byName.registration().source())) {
            answer(exchange, 200, view(byName.name(), null));
            return;
        }
        Registration named = registrations.byName(id);
        Registration r = named != null ? named : registrations.require(id);
        answer(exchange, 200, view(r.name(), r));
    }

    /**
     * Renders the caught failure: a {@link Problem} as itself, the store being unreachable as 503 with Retry-After,
     * anything else as a 500 logged once with its stack trace (the API's own bug).
     */
    public void problem(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Problem p;
        if (t instanceof Problem problem) {
            p = problem;
        } else if (t instanceof McpException e && e.httpStatus() == 503) {
            p = new Problem(503, "Service Unavailable", e.getMessage(), null, Map.of("Retry-After", "1"));
        } else {
            LOG.error("Registration API request failed", t);
            p = new Problem(500, "Internal Server Error", "the gateway failed to handle the request; see its log", null, null);
        }
        String instance = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        Message m = cleared(exchange);
        m.setBody(write(p.body(instance)));
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, p.status());
        m.setHeader(Exchange.CONTENT_TYPE, PROBLEM_JSON);
        p.headers().forEach(m::setHeader);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private Map<String, Object> view(String name, Registration r) {
        RegistrySnapshot.Entry e = registry.snapshot().server(name);
        boolean shadowed = r != null && e != null && !Registrations.SOURCE.equals(e.registration().source());
        if (shadowed) {
            e = null; // the name is another source's server now: this registration is not served
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("server_id", r != null ? r.id() : name);
        out.put("name", name);
        out.put("source", e != null ? e.registration().source() : Registrations.SOURCE);
        out.put("url", r != null ? r.url() : e != null ? String.valueOf(e.registration().url()) : null);
        out.put("prefix", r != null ? r.prefix() : e != null ? e.prefix() : null);
        out.put("transport", r != null ? r.transport() : RegistrationRequest.STREAMABLE_HTTP);
        ServerStatus s = e != null ? e.status()
                : shadowed ? java.util.Objects.requireNonNullElse(registrations.shadowed(r), ServerStatus.pending())
                : ServerStatus.pending();
        out.put("ready", s.ready());
        out.put("reason", s.reason());
        out.put("protocol_version", e != null ? catalog.protocolVersion(name) : null);
        Catalog.Report report = s.ready() ? catalog.report(name) : null;
        out.put("message", report != null ? report.describe() : s.message());
        out.put("tool_count", report != null ? report.tools() : 0);
        out.put("checked_at", s.checkedAt() == null ? null : s.checkedAt().toString());
        Optional<DiscoveryService.Failure> failure = shadowed ? Optional.empty() : lastError.apply(name);
        out.put("last_error", failure.map(DiscoveryService.Failure::message).orElse(null));
        out.put("last_error_at", failure.map(f -> f.at().toString()).orElse(null));
        if (r != null) {
            Instant beat = registrations.lastHeartbeat(r.id());
            out.put("last_heartbeat", beat == null ? null : beat.toString());
            out.put("heartbeat_interval_seconds", registrations.heartbeatSeconds());
            out.put("health_path", r.healthPath());
            out.put("metadata", r.metadata());
            out.put("limits", r.limits());
            out.put("registered_at", r.registeredAt().toString());
        } else {
            out.put("last_heartbeat", null);
        }
        return out;
    }

    private static Registration registration(Exchange exchange) {
        return exchange.getProperty(REGISTRATION, Registration.class);
    }

    private JsonNode json(Exchange exchange) {
        Message m = exchange.getMessage();
        String type = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Problem(415, "Unsupported Media Type", "the body must be application/json", null, null);
        }
        String body = m.getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new Problem(400, "Invalid registration", "the body is empty: a JSON object is expected", null, null);
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Problem(400, "Invalid registration", "the body is not JSON: " + e.getOriginalMessage(), null, null);
        }
    }

    private void answer(Exchange exchange, int status, Object body) {
        Message m = cleared(exchange);
        m.setBody(write(body));
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private String write(Object body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps and Jackson trees always serialise
        }
    }

    /**
     * The message with the request's headers gone: Camel's servlet binding writes every header of the message into the
     * answer, and the request's include its API key or token.
     */
    private static Message cleared(Exchange exchange) {
        Message m = exchange.getMessage();
        m.removeHeaders("*", "Camel*");
        return m;
    }

    /**
     * A request header as the client sent it. Camel's rest binding also turns query parameters into message headers:
     * a key or a token in the URL (and so in access logs) is not accepted.
     */
    private static String header(Exchange exchange, String name) {
        HttpMessage http = exchange.getIn(HttpMessage.class);
        return http != null ? http.getRequest().getHeader(name) : null;
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static String address(Exchange exchange) {
        HttpMessage http = exchange.getIn(HttpMessage.class);
        return http == null ? "" : http.getRequest().getRemoteAddr();
    }
}
