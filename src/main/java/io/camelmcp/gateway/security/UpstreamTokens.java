package io.camelmcp.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.UpstreamAuth;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.Identity;
import io.camelmcp.gateway.upstream.UpstreamCredentials;
import io.camelmcp.gateway.upstream.UpstreamException;

/**
 * The upstream servers' own credentials ({@link ServerRegistration#auth}), never the client's token:
 * <ul>
 *   <li>{@code bearer}: the configured token;</li>
 *   <li>{@code client-credentials}: one token per server, fetched when first needed and kept until shortly before it
 *       expires ({@code refreshBefore}, at most a fifth of its lifetime). One fetch at a time per server: callers meanwhile
 *       wait for it, or keep using the previous token while it is still valid. A failed fetch is remembered for
 *       {@code failureBackoff}, so a token endpoint that is down is not asked once per call;</li>
 *   <li>{@code token-exchange}: the client's inbound token ({@link Identity#token}) exchanged for one minted for the
 *       server (RFC 8693), kept per (client token, server) until shortly before it expires, in a cache of at most
 *       {@code exchangeCacheSize} tokens (keyed by the SHA-256 of the client token, not the token); concurrent requests
 *       with the same token share one exchange. The gateway's own requests use a client-credentials token of the same
 *       client. A client without a token cannot be served by such a server: a JSON-RPC error of its own (not -32001,
 *       so that it does not count against the server's circuit breaker); so is a client token the authorization
 *       server refuses to exchange ({@code invalid_grant}). Any other failure of the exchange is the server's.</li>
 * </ul>
 * A token endpoint that fails is {@link UpstreamException}: -32001 for the client, naming the server. Tokens and
 * secrets are never logged.
 */
public final class UpstreamTokens implements UpstreamCredentials, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTokens.class);

    /** The code of the error a client gets when it has no token a token-exchange server needs (or it was refused). */
    public static final int CLIENT_TOKEN_REQUIRED = ErrorCodes.INVALID_REQUEST;

    private final Duration timeout;
    private final Duration refreshBefore;
    private final Duration failureBackoff;
    private final int exchangeCacheSize;
    private final Clock clock;

    /** By server name; replaced when the server's auth changes. */
    private final ConcurrentHashMap<String, Server> servers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached> exchanged = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Cached>> exchanging = new ConcurrentHashMap<>();

    private final AtomicLong generations = new AtomicLong();
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public UpstreamTokens(Duration timeout, Duration refreshBefore, Duration failureBackoff, int exchangeCacheSize) {
        this(timeout, refreshBefore, failureBackoff, exchangeCacheSize, Clock.systemUTC());
    }

    UpstreamTokens(Duration timeout, Duration refreshBefore, Duration failureBackoff, int exchangeCacheSize, Clock clock) {
        this.timeout = timeout;
        this.refreshBefore = refreshBefore;
        this.failureBackoff = failureBackoff;
        this.exchangeCacheSize = Math.max(1, exchangeCacheSize);
        this.clock = clock;
    }

    @Override
    public Map<String, String> headers(ServerRegistration server, ClientContext client) throws UpstreamException {
        UpstreamAuth auth = server.auth();
        if (auth == null) {
            return Map.of();
        }
        return switch (auth.type()) {
            case BEARER -> bearer(auth.token());
            case CLIENT_CREDENTIALS -> bearer(server(server).clientCredentials(server.name()));
            case TOKEN_EXCHANGE -> client == null ? bearer(server(server).clientCredentials(server.name()))
                    : bearer(exchange(server, client));
        };
    }

    @Override
    public void rejected(ServerRegistration server, ClientContext client, Map<String, String> headers) {
        UpstreamAuth auth = server.auth();
        if (auth == null || auth.type() == UpstreamAuth.Type.BEARER) {
            return;
        }
        String sent = headers.get("Authorization");
        Server s = servers.get(server.name());
        if (s != null && s.forget(sent)) {
            LOG.info("MCP server '{}' refused the gateway's token (HTTP 401): a new one will be fetched", server.name());
        }
        exchanged.values().removeIf(c -> ("Bearer " + c.value).equals(sent));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private Server server(ServerRegistration registration) {
        Server known = servers.get(registration.name());
        if (known != null && known.auth.equals(registration.auth())) {
            return known; // the hot path: no lock
        }
        return servers.compute(registration.name(), (name, s) -> {
            if (s != null && s.auth.equals(registration.auth())) {
                return s;
            }
            if (s != null) {
                s.endpoint.close();
            }
            return new Server(new TokenEndpointClient(name, registration.auth(), timeout), registration.auth());
        });
    }

    /** For status and tests: tokens fetched, served from the cache, and failed fetches. */
    public Map<String, Long> stats() {
        return Map.of("fetched", fetches.get(), "cached", hits.get(), "failed", failures.get(),
                "exchangedKept", (long) exchanged.size());
    }

    private String exchange(ServerRegistration server, ClientContext client) throws UpstreamException {
        Identity identity = client.identity();
        String subject = identity == null ? null : identity.token();
        if (subject == null || subject.isBlank()) {
            throw McpException.rpc(CLIENT_TOKEN_REQUIRED, "MCP server '" + server.name()
                            + "' is called with the client's own identity (token exchange): this request carries no "
                            + "bearer token to exchange", null,
                    Map.of("server", server.name(), "auth", UpstreamAuth.Type.TOKEN_EXCHANGE.label()));
        }
        Server s = server(server);
        String key = sha256(subject) + '\n' + server.name() + '\n' + s.generation; // a changed auth: new tokens
        Instant now = clock.instant();
        Cached c = exchanged.get(key);
        if (c != null && now.isBefore(c.refreshAt)) {
            hits.incrementAndGet();
            return c.value;
        }
        s.endpointUp(server.name()); // an endpoint known to be down: fail at once, as for client credentials
        CompletableFuture<Cached> mine = new CompletableFuture<>();
        CompletableFuture<Cached> running = exchanging.putIfAbsent(key, mine);
        if (running != null) {
            return await(server, running).value;
        }
        try {
            TokenEndpointClient.IssuedToken issued;
            try {
                fetches.incrementAndGet();
                issued = s.endpoint.exchange(subject);
            } catch (TokenEndpointClient.TokenRequestFailed e) {
                failures.incrementAndGet();
                if (!"invalid_grant".equals(e.error())) {
                    // no answer, or the gateway's client refused (invalid_client, unauthorized_client, invalid_scope):
                    // the server cannot be had for anyone until that changes
                    s.down(server.name(), e);
                    if (c != null && clock.instant().isBefore(c.expiresAt)) {
                        Cached previous = c;
                        mine.complete(previous);
                        return previous.value; // still valid: it serves until it expires
                    }
                    throw unavailable(server, "token exchange", e);
                }
                // invalid_grant: this client's token cannot be exchanged (expired, revoked, another issuer's)
                LOG.info("Token exchange for '{}' refused for {}: {}", server.name(), identity, e.getMessage());
                throw McpException.rpc(CLIENT_TOKEN_REQUIRED, "MCP server '" + server.name()
                        + "': the authorization server refused to exchange the client's token (" + e.error() + ")", null,
                        Map.of("server", server.name(), "auth", UpstreamAuth.Type.TOKEN_EXCHANGE.label(), "error", e.error()));
            }
            Cached fresh = notAfter(cached(issued), expiry(identity));
            if (exchanged.size() >= exchangeCacheSize) {
                evict();
            }
            exchanged.put(key, fresh);
            mine.complete(fresh);
            return fresh.value;
        } catch (UpstreamException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            exchanging.remove(key, mine);
        }
    }

    /** Bounded: the expired go first; if that is not enough, an arbitrary half (they are fetched again when needed). */
    private void evict() {
        Instant now = clock.instant();
        exchanged.values().removeIf(c -> !now.isBefore(c.expiresAt));
        if (exchanged.size() >= exchangeCacheSize) {
            int[] n = {0};
            exchanged.keySet().removeIf(k -> n[0]++ % 2 == 0);
        }
    }

    private static Cached await(ServerRegistration server, CompletableFuture<Cached> running) throws UpstreamException {
        try {
            return running.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException u) {
                throw u;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new UpstreamException(server.name(), "credentials: " + e.getCause(), 0, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(server.name(), "interrupted", 0, e);
        }
    }

    private Cached cached(TokenEndpointClient.IssuedToken issued) {
        Instant now = clock.instant();
        Instant expires = issued.expiresAt() == null ? now.plusSeconds(60) : issued.expiresAt();
        Duration lifetime = Duration.between(now, expires);
        Duration margin = lifetime.dividedBy(5);
        if (margin.compareTo(refreshBefore) > 0) {
            margin = refreshBefore;
        }
        return new Cached(issued.value(), expires.minus(margin), expires);
    }

    /**
     * An exchanged token is not used past the client token it was exchanged for: a request with a token the gateway
     * no longer accepts never gets there, but a background request of the client's session (a cancel) might.
     */
    private static Cached notAfter(Cached c, Instant subjectExpiry) {
        if (subjectExpiry == null || subjectExpiry.isAfter(c.expiresAt)) {
            return c;
        }
        return new Cached(c.value, c.refreshAt.isBefore(subjectExpiry) ? c.refreshAt : subjectExpiry, subjectExpiry);
    }

    /** The client token's {@code exp}, as the resource server decoded it (an Instant), or null. */
    private static Instant expiry(Identity identity) {
        Object exp = identity.claims().get("exp");
        if (exp instanceof Instant i) {
            return i;
        }
        if (exp instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        return null;
    }

    private UpstreamException unavailable(ServerRegistration server, String grant, TokenEndpointClient.TokenRequestFailed e) {
        return new UpstreamException(server.name(), "no token for it: " + grant + " at " + server.auth().tokenUri()
                + " failed: " + e.getMessage(), 0, e);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** A token and when to stop using it: refresh from {@code refreshAt}, never after {@code expiresAt}. */
    private record Cached(String value, Instant refreshAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "Cached[refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** One server's token endpoint and client-credentials token. */
    private final class Server {
        final TokenEndpointClient endpoint;
        final UpstreamAuth auth;
        final long generation = generations.incrementAndGet();
        private final ReentrantLock fetching = new ReentrantLock();
        private volatile Cached token;
        /** The last fetch failed: why, and until when that answer stands. */
        private volatile String failed;
        private volatile Instant failedUntil = Instant.MIN;

        Server(TokenEndpointClient endpoint, UpstreamAuth auth) {
            this.endpoint = endpoint;
            this.auth = auth;
        }

        String clientCredentials(String server) throws UpstreamException {
            Cached t = token;
            Instant now = clock.instant();
            if (t != null && now.isBefore(t.refreshAt)) {
                hits.incrementAndGet();
                return t.value;
            }
            boolean usable = t != null && now.isBefore(t.expiresAt);
            if (usable) {
                if (!fetching.tryLock()) { // another caller is refreshing it: this one is still good
                    hits.incrementAndGet();
                    return t.value;
                }
            } else {
                fetching.lock();
            }
            try {
                t = token;
                now = clock.instant();
                if (t != null && now.isBefore(t.refreshAt)) {
                    hits.incrementAndGet();
                    return t.value; // fetched while this caller waited
                }
                if (now.isBefore(failedUntil)) {
                    if (t != null && now.isBefore(t.expiresAt)) {
                        return t.value;
                    }
                    throw new UpstreamException(server, failed, 0, null);
                }
                try {
                    fetches.incrementAndGet();
                    long started = System.nanoTime();
                    Cached fresh = cached(endpoint.clientCredentials());
                    token = fresh;
                    failed = null;
                    failedUntil = Instant.MIN;
                    LOG.debug("Token for MCP server '{}' from {} in {} ms, refreshed from {}", server, auth.tokenUri(),
                            (System.nanoTime() - started) / 1_000_000, fresh.refreshAt);
                    return fresh.value;
                } catch (TokenEndpointClient.TokenRequestFailed e) {
                    failures.incrementAndGet();
                    String why = "no token for it: client credentials at " + auth.tokenUri() + " failed: " + e.getMessage();
                    if (failed == null) {
                        LOG.warn("MCP server '{}': {}", server, why);
                    }
                    failed = why;
                    failedUntil = clock.instant().plus(failureBackoff);
                    if (t != null && clock.instant().isBefore(t.expiresAt)) {
                        return t.value; // the previous token still serves until it expires
                    }
                    throw new UpstreamException(server, why, 0, e);
                }
            } finally {
                fetching.unlock();
            }
        }

        /** Throws while the endpoint is known to fail (a recent request failed for every client, not for one). */
        void endpointUp(String server) throws UpstreamException {
            String f = failed;
            if (f != null && clock.instant().isBefore(failedUntil)) {
                throw new UpstreamException(server, f, 0, null);
            }
        }

        void down(String server, TokenEndpointClient.TokenRequestFailed e) {
            String why = "no token for it: token exchange at " + auth.tokenUri() + " failed: " + e.getMessage();
            if (failed == null) {
                LOG.warn("MCP server '{}': {}", server, why);
            }
            failed = why;
            failedUntil = clock.instant().plus(failureBackoff);
        }

        /** Forgets the client-credentials token if it is the one {@code sent}; whether it was. */
        boolean forget(String sent) {
            Cached t = token;
            if (t != null && ("Bearer " + t.value).equals(sent)) {
                token = null;
                return true;
            }
            return false;
        }
    }

    @Override
    public void close() {
        servers.values().forEach(s -> s.endpoint.close());
        servers.clear();
    }
}
