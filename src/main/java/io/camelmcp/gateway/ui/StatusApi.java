package io.camelmcp.gateway.ui;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.DiscoveryService;
import io.camelmcp.gateway.health.ServersEndpoint;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.RedisSessionStore;
import io.camelmcp.gateway.session.SessionStore;

/**
 * The status page's data: {@code GET /ui/api/status} (servers, catalogue counts and version, sessions: polled every
 * two seconds) and {@code GET /ui/api/catalog} (the catalogue's items: fetched when its version changed). Read-only,
 * from the gateway's own beans: a server is what {@code /actuator/mcpservers} says of it plus its last failure. With
 * security on it needs the admin scope, as the actuator's details do (SecurityConfiguration).
 *
 * <p>Never in it: credentials (upstream headers are not shown, a URL's user info and query are cut) and session ids
 * (a short prefix tells sessions apart, the rest stays secret).
 */
@RestController
@RequestMapping(path = StatusApi.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
public class StatusApi {

    public static final String PATH = "/ui/api";
    /** The sessions listed at most, newest first: the page is for a look, not an export. */
    static final int MAX_SESSIONS = 200;
    /** Characters of a session id shown: enough to tell sessions apart, far too few to use one. */
    static final int SHORT_ID = 8;
    /** A client names itself: shown, not trusted. */
    static final int MAX_CLIENT = 100;

    record Gateway(String name, String title, String version, String store) {}

    record Session(String id, String protocolVersion, String client, String identity, String createdAt, long ageSeconds) {}

    /**
     * @param count  open sessions in the store (all replicas' with a shared store), or null when it cannot be read
     * @param shared whether the store is shared by replicas; then {@code listed} is this replica's view only
     * @param local  sessions this replica knows; {@code listed} holds the newest {@value #MAX_SESSIONS} of them
     * @param error  why the count could not be read, else null
     */
    record Sessions(Integer count, String store, boolean shared, int local, List<Session> listed, String error) {}

    record Status(String generatedAt, Gateway gateway, List<Map<String, Object>> servers, CatalogListing.Counts catalog,
                  Sessions sessions) {}

    private final ServersEndpoint servers;
    private final DiscoveryService discovery;
    private final SessionStore store;
    private final JsonNode gatewayInfo;
    private final CatalogListing catalog;

    public StatusApi(ServersEndpoint servers, DiscoveryService discovery, Catalog catalog, SessionStore store,
                     @Qualifier("gatewayInfo") JsonNode gatewayInfo, ObjectMapper mapper) {
        this.servers = servers;
        this.discovery = discovery;
        this.store = store;
        this.gatewayInfo = gatewayInfo;
        this.catalog = new CatalogListing(catalog, mapper);
    }

    @GetMapping("/status")
    public ResponseEntity<Status> status() {
        Instant now = Instant.now();
        Gateway gateway = new Gateway(gatewayInfo.path("name").asText(null), gatewayInfo.path("title").asText(null),
                gatewayInfo.path("version").asText(null), store.describe());
        return fresh(new Status(now.toString(), gateway, servers(), catalog.current().counts(), sessions(now)));
    }

    @GetMapping("/catalog")
    public ResponseEntity<CatalogListing.Listing> catalog() {
        return fresh(catalog.current());
    }

    /** Never cached: a status is only true now (and may be an admin's). */
    private static <T> ResponseEntity<T> fresh(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("X-Content-Type-Options", "nosniff")
                .body(body);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> servers() {
        List<Map<String, Object>> described = (List<Map<String, Object>>) servers.servers().get("servers");
        return described.stream().map(s -> {
            Map<String, Object> out = new LinkedHashMap<>(s);
            out.put("url", shown(String.valueOf(s.get("url"))));
            // kept after the server recovered: what went wrong last, and when
            var failure = discovery.lastFailure(String.valueOf(s.get("name")));
            out.put("lastError", failure.map(DiscoveryService.Failure::message).orElse(null));
            out.put("lastErrorAt", failure.map(f -> f.at() == null ? null : f.at().toString()).orElse(null));
            return out;
        }).toList();
    }

    /** A server's URL without what may be a credential in it: user info and query. */
    static String shown(String url) {
        try {
            URI u = new URI(url);
            if (u.getRawUserInfo() == null && u.getRawQuery() == null) {
                return url;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return "(not a valid URL)";
        }
    }

    private Sessions sessions(Instant now) {
        Integer count = null;
        String error = null;
        try {
            count = store.size();
        } catch (RuntimeException e) {
            error = "The session store cannot be read: " + e.getMessage(); // a Redis outage: the rest still shows
        }
        List<GatewaySession> local = store.localSessions();
        List<Session> listed = local.stream()
                .sorted(Comparator.comparing(GatewaySession::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(MAX_SESSIONS)
                .map(s -> session(s, now))
                .toList();
        return new Sessions(count, store.describe(), store instanceof RedisSessionStore, local.size(), listed, error);
    }

    private static Session session(GatewaySession s, Instant now) {
        String id = s.id() == null ? "" : s.id();
        String shortId = id.substring(0, Math.min(SHORT_ID, id.length() / 2)) + "…";
        return new Session(shortId, s.protocolVersion(), client(s.clientInfo()), s.owner(),
                s.createdAt() == null ? null : s.createdAt().toString(),
                s.createdAt() == null ? 0 : Math.max(0, Duration.between(s.createdAt(), now).toSeconds()));
    }

    /** "name version" from the client's clientInfo, or null. */
    private static String client(JsonNode info) {
        if (info == null || !info.isObject()) {
            return null;
        }
        String name = info.path("name").isTextual() ? info.path("name").textValue() : "";
        String version = info.path("version").isTextual() ? info.path("version").textValue() : "";
        String both = (name + " " + version).strip();
        if (both.isEmpty()) {
            return null;
        }
        return both.length() <= MAX_CLIENT ? both : both.substring(0, MAX_CLIENT) + "…";
    }
}
