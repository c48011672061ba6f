package io.camelmcp.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Everything under {@code mcp.gateway.*}. */
@ConfigurationProperties(prefix = "mcp.gateway")
public class GatewayProperties {

    /** Statically registered upstream MCP servers. */
    private List<Server> servers = new ArrayList<>();

    /**
     * A YAML file of static servers ({@code mcp.gateway.servers: [...]}, the shape of application properties): when
     * set, it is the static server list ({@link #servers} from other property sources is not registered), read at
     * start-up and re-read when it changes (see {@code ServersFile}).
     */
    private String serversFile;

    /** How often the servers file is compared with the servers in force (a timer in housekeeping.yaml); 0: at start-up only. */
    private Duration serversFileInterval = Duration.ofSeconds(2);

    public String getServersFile() { return serversFile; }
    /** Whether a servers file is set: then it, not {@code servers}, is the static list. */
    public boolean hasServersFile() { return serversFile != null && !serversFile.isBlank(); }
    public void setServersFile(String serversFile) { this.serversFile = serversFile; }
    public Duration getServersFileInterval() { return serversFileInterval; }
    public void setServersFileInterval(Duration serversFileInterval) { this.serversFileInterval = serversFileInterval; }

    /** Extra allowed values of the {@code Origin} header; loopback origins are always allowed. "*" allows all. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Largest JSON-RPC message accepted on {@code /mcp}. */
    private DataSize maxRequestSize = DataSize.ofMegabytes(4);

    /** A gateway session unused for this long is ended, with its upstream sessions. */
    private Duration sessionIdleTimeout = Duration.ofHours(1);

    /**
     * The most live sessions one client may hold (a client: its remote address, as the servlet container sees it),
     * counted across every replica with the Redis store; an initialize beyond it is refused with 429 and
     * Retry-After. Ended (DELETE) and expired sessions do not count. 0: no limit.
     */
    private int maxSessionsPerClient = 100;

    /**
     * The most GET streams (SSE) one session may hold open at once; one more is refused with 429. Counted per replica:
     * each stream holds a connection on the replica that serves it, so that is where it costs. 0: no limit.
     */
    private int maxStreamsPerSession = 10;
    /**
     * The most GET streams (SSE) this replica holds open, all sessions together; one more is refused with 503 and
     * Retry-After. Each holds about 18 KiB of heap on Jetty (bench/README.md), so the default, -1, is the maximum heap /
     * 40 KiB (13,107 in a 512 MB heap), which leaves more than half the heap to everything else: past it the replica
     * refuses a stream rather than run out of memory. 0: no limit.
     */
    private int maxStreams = -1;

    /**
     * An upstream's streamed (SSE) answer whose first message is the response, within this time of the upstream
     * starting it, reaches the client as one JSON object; otherwise the client gets an SSE stream, opened (with its
     * priming event) once the first message is there or this time has passed. Zero: always a stream.
     */
    private Duration streamAfter = Duration.ofMillis(100);

    /**
     * A directory of route files: each replaces the bundled route file of the same name, the others are added; edited
     * files are reloaded while the gateway runs (see docs/routes.md). Unset: the bundled routes only.
     */
    private String routesDir;

    /** How often the routes directory is compared with the routes in force; 0 loads it at start-up only. */
    private Duration routesReloadInterval = Duration.ofSeconds(2);

    public String getRoutesDir() { return routesDir; }
    public void setRoutesDir(String routesDir) { this.routesDir = routesDir; }
    public Duration getRoutesReloadInterval() { return routesReloadInterval; }
    public void setRoutesReloadInterval(Duration routesReloadInterval) { this.routesReloadInterval = routesReloadInterval; }

    /** Where sessions and the relay's state live. */
    public enum Store {
        /** This JVM only: one replica (the embedded default). */
        MEMORY,
        /** Redis ({@code spring.data.redis.*}): any number of replicas, no session affinity. */
        REDIS
    }

    private Store store = Store.MEMORY;

    public Store getStore() { return store; }
    public void setStore(Store store) { this.store = store; }

    private final Redis redis = new Redis();

    public Redis getRedis() { return redis; }

    /** {@code mcp.gateway.redis.*}: how the Redis store names its keys (the connection is {@code spring.data.redis.*}). */
    public static class Redis {
        /** Prefix of every key and channel, so that several gateways (or other applications) can share one Redis. */
        private String keyPrefix = "mcp-gateway:";

        public String getKeyPrefix() { return keyPrefix; }
        public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
    }

    private final Upstream upstream = new Upstream();

    private final Discovery discovery = new Discovery();

    private final Demo demo = new Demo();

    private final Catalog catalog = new Catalog();

    private final Metrics metrics = new Metrics();

    private final ToolDiscovery toolDiscovery = new ToolDiscovery();

    public ToolDiscovery getToolDiscovery() { return toolDiscovery; }

    /** Tool discovery (README: Tool discovery): tools/list shows meta-tools to search, select and call tools. */
    public static class ToolDiscovery {
        /** Every client of the gateway sees the meta-tools instead of the whole catalogue (per virtual server later). */
        private boolean enabled = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    public static class Demo {
        /** Serve and register the two bundled demo servers (clock_, calc_) from this process. */
        private boolean enabled = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    public static class Server {
        /** Unique name, used in logs, status and health. */
        private String name;
        /** Endpoint of the server: Streamable HTTP (http://host:3001/mcp) or, with transport sse, its SSE stream. */
        private String url;
        /**
         * {@code streamable-http} (default), {@code sse} (the legacy HTTP+SSE transport: url is the stream, e.g.
         * http://host:3001/sse) or {@code stdio} (a process; the default when {@code command} is set).
         */
        private String transport;
        /** stdio: the program to start, e.g. {@code npx}; one process per upstream session. */
        private String command;
        /** stdio: its arguments. */
        private java.util.List<String> args = new java.util.ArrayList<>();
        /** stdio: variables added to the gateway's environment for the process (often credentials). */
        private Map<String, String> env = new LinkedHashMap<>();
        /** stdio: the process's working directory (unset: the gateway's). */
        private String workingDir;
        /** stdio: processes of this server running at once (one per upstream session); more sessions are refused. */
        private Integer maxProcesses;
        /** Prepended to the server's tool names; empty only when it is the only server. */
        private String prefix = "";
        /** Extra HTTP headers sent to this server only (e.g. credentials). */
        private Map<String, String> headers = new LinkedHashMap<>();
        /** How the gateway authenticates to this server: a bearer token, OAuth client credentials or token exchange. */
        private final Auth auth = new Auth();
        /** Which of the server's tools to expose: include/exclude lists of names or patterns with '*'. */
        private final Tools tools = new Tools();
        /** This server's circuit breaker thresholds (unset: {@code mcp.gateway.upstream.breaker.*}). */
        private final Breaker breaker = new Breaker();
        /** Calls waiting for this server's answer at once (unset: {@code mcp.gateway.upstream.max-concurrent-calls}). */
        private Integer maxConcurrentCalls;
        /** This server's connect timeout (unset: {@code mcp.gateway.upstream.connect-timeout}). */
        private Duration connectTimeout;
        /** Until this server's answer starts and between its progress notifications (unset: the upstream default). */
        private Duration requestTimeout;
        /** A whole call to this server, however much progress it reports (unset: the upstream default). */
        private Duration maxRequestDuration;

        public Breaker getBreaker() { return breaker; }
        public Integer getMaxConcurrentCalls() { return maxConcurrentCalls; }
        public void setMaxConcurrentCalls(Integer maxConcurrentCalls) { this.maxConcurrentCalls = maxConcurrentCalls; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getRequestTimeout() { return requestTimeout; }
        public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
        public Duration getMaxRequestDuration() { return maxRequestDuration; }
        public void setMaxRequestDuration(Duration maxRequestDuration) { this.maxRequestDuration = maxRequestDuration; }

        /** What this server sets of its breaker, bulkhead and timeouts. */
        public io.camelmcp.gateway.registry.CallPolicy policy() {
            return breaker.policy(maxConcurrentCalls, connectTimeout, requestTimeout, maxRequestDuration);
        }

        public String getTransport() { return transport; }
        public void setTransport(String transport) { this.transport = transport; }
        public String getCommand() { return command; }
        public void setCommand(String command) { this.command = command; }
        public java.util.List<String> getArgs() { return args; }
        public void setArgs(java.util.List<String> args) { this.args = args; }
        public Map<String, String> getEnv() { return env; }
        public void setEnv(Map<String, String> env) { this.env = env; }
        public String getWorkingDir() { return workingDir; }
        public void setWorkingDir(String workingDir) { this.workingDir = workingDir; }
        public Integer getMaxProcesses() { return maxProcesses; }
        public void setMaxProcesses(Integer maxProcesses) { this.maxProcesses = maxProcesses; }

        /** How this server is reached; throws on a transport name that is none of the three. */
        public io.camelmcp.gateway.registry.UpstreamTransport upstreamTransport() {
            var kind = transport == null || transport.isBlank()
                    ? command != null ? io.camelmcp.gateway.registry.UpstreamTransport.Kind.STDIO
                            : io.camelmcp.gateway.registry.UpstreamTransport.Kind.STREAMABLE_HTTP
                    : io.camelmcp.gateway.registry.UpstreamTransport.Kind.of(transport.trim());
            if (kind == null) {
                throw new IllegalArgumentException("transport '" + transport + "' is none of streamable-http, sse, stdio");
            }
            return switch (kind) {
                case STREAMABLE_HTTP -> io.camelmcp.gateway.registry.UpstreamTransport.STREAMABLE_HTTP;
                case SSE -> io.camelmcp.gateway.registry.UpstreamTransport.SSE;
                case STDIO -> {
                    java.util.List<String> line = new java.util.ArrayList<>();
                    if (command != null) {
                        line.add(command);
                    }
                    if (args != null) {
                        line.addAll(args);
                    }
                    yield io.camelmcp.gateway.registry.UpstreamTransport.stdio(line, env, workingDir, maxProcesses);
                }
            };
        }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getPrefix() { return prefix; }
        public void setPrefix(String prefix) { this.prefix = prefix == null ? "" : prefix; }
        public Map<String, String> getHeaders() { return headers; }
        public void setHeaders(Map<String, String> headers) { this.headers = headers; }
        public Tools getTools() { return tools; }
        public Auth getAuth() { return auth; }
    }

    /**
     * {@code mcp.gateway.servers[i].auth.*}: the server's own credentials (never the client's token, which the gateway
     * does not pass through). Unset {@code type}: none beyond the static headers.
     */
    public static class Auth {
        /** {@code bearer}, {@code client-credentials} or {@code token-exchange}. */
        private String type;
        /** bearer: the token, sent as {@code Authorization: Bearer <token>}. */
        private String token;
        /** client-credentials, token-exchange: the authorization server's token endpoint. */
        private String tokenUri;
        /** client-credentials, token-exchange: the gateway's client at the authorization server. */
        private String clientId;
        /** client-credentials, token-exchange: its secret (client_secret_basic). */
        private String clientSecret;
        /** Space-separated scopes to ask for. */
        private String scope;
        /** The {@code audience} parameter (RFC 8693; also sent with client credentials, as several servers expect). */
        private String audience;
        /** The {@code resource} parameter (RFC 8707): the server's URI, as the MCP authorization spec has clients send. */
        private String resource;

        /** The auth as the registry keeps it; null when no type is set. */
        public io.camelmcp.gateway.registry.UpstreamAuth toAuth() {
            if (type == null || type.isBlank()) {
                if (token != null || tokenUri != null || clientId != null || clientSecret != null) {
                    throw new IllegalArgumentException("auth.type is required (bearer, client-credentials, token-exchange)");
                }
                return null;
            }
            java.net.URI uri;
            try {
                uri = tokenUri == null || tokenUri.isBlank() ? null : java.net.URI.create(tokenUri.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("auth.token-uri is not a URI: " + e.getMessage(), e);
            }
            return new io.camelmcp.gateway.registry.UpstreamAuth(io.camelmcp.gateway.registry.UpstreamAuth.Type.of(type),
                    token, uri, clientId, clientSecret, scope, audience, resource);
        }

        public String getType() { return type; }
        public void setType(String type) { this.type = type; }
        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }
        public String getTokenUri() { return tokenUri; }
        public void setTokenUri(String tokenUri) { this.tokenUri = tokenUri; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public String getScope() { return scope; }
        public void setScope(String scope) { this.scope = scope; }
        public String getAudience() { return audience; }
        public void setAudience(String audience) { this.audience = audience; }
        public String getResource() { return resource; }
        public void setResource(String resource) { this.resource = resource; }

        /** Without the token and the client secret (the actuator's configprops sanitizes them by its own rules). */
        @Override
        public String toString() {
            return "Auth[type=" + type + ", tokenUri=" + tokenUri + ", clientId=" + clientId + ", scope=" + scope
                    + ", audience=" + audience + ", resource=" + resource
                    + (token == null ? "" : ", token=******") + (clientSecret == null ? "" : ", clientSecret=******") + "]";
        }
    }

    /**
     * A circuit breaker's thresholds (Resilience4j's, count-based window): the gateway's defaults under
     * {@code mcp.gateway.upstream.breaker}, a server's own under {@code mcp.gateway.servers[i].breaker} (unset there:
     * the default). Only the server's failures count: no answer, a broken or invalid answer, an HTTP error without
     * JSON-RPC; a JSON-RPC error the server answers is a success.
     */
    public static class Breaker {
        /** Percentage of failed calls among the window's that opens the breaker. */
        private Float failureRateThreshold;
        /** Percentage of slow calls among the window's that opens the breaker (100: only when all are slow). */
        private Float slowCallRateThreshold;
        /** A call that takes longer is slow. */
        private Duration slowCallDuration;
        /** Calls in the window before the rates count. */
        private Integer minimumNumberOfCalls;
        /** How many of the latest calls the rates are taken over. */
        private Integer slidingWindowSize;
        /** How long an open breaker refuses calls (-32001 at once) before it lets a few through. */
        private Duration waitInOpenState;
        /** The calls let through then: their outcome closes the breaker or opens it again. */
        private Integer halfOpenCalls;

        /** These thresholds with the bulkhead and timeouts beside them, as one policy. */
        io.camelmcp.gateway.registry.CallPolicy policy(Integer maxConcurrentCalls, Duration connectTimeout,
                                                       Duration requestTimeout, Duration maxRequestDuration) {
            return new io.camelmcp.gateway.registry.CallPolicy(failureRateThreshold, slowCallRateThreshold,
                    slowCallDuration, minimumNumberOfCalls, slidingWindowSize, waitInOpenState, halfOpenCalls,
                    maxConcurrentCalls, connectTimeout, requestTimeout, maxRequestDuration);
        }

        static Breaker defaults() {
            Breaker b = new Breaker();
            b.failureRateThreshold = 50f;
            b.slowCallRateThreshold = 100f;
            b.slowCallDuration = Duration.ofSeconds(60);
            b.minimumNumberOfCalls = 10;
            b.slidingWindowSize = 20;
            b.waitInOpenState = Duration.ofSeconds(30);
            b.halfOpenCalls = 3;
            return b;
        }

        public Float getFailureRateThreshold() { return failureRateThreshold; }
        public void setFailureRateThreshold(Float failureRateThreshold) { this.failureRateThreshold = failureRateThreshold; }
        public Float getSlowCallRateThreshold() { return slowCallRateThreshold; }
        public void setSlowCallRateThreshold(Float slowCallRateThreshold) { this.slowCallRateThreshold = slowCallRateThreshold; }
        public Duration getSlowCallDuration() { return slowCallDuration; }
        public void setSlowCallDuration(Duration slowCallDuration) { this.slowCallDuration = slowCallDuration; }
        public Integer getMinimumNumberOfCalls() { return minimumNumberOfCalls; }
        public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) { this.minimumNumberOfCalls = minimumNumberOfCalls; }
        public Integer getSlidingWindowSize() { return slidingWindowSize; }
        public void setSlidingWindowSize(Integer slidingWindowSize) { this.slidingWindowSize = slidingWindowSize; }
        public Duration getWaitInOpenState() { return waitInOpenState; }
        public void setWaitInOpenState(Duration waitInOpenState) { this.waitInOpenState = waitInOpenState; }
        public Integer getHalfOpenCalls() { return halfOpenCalls; }
        public void setHalfOpenCalls(Integer halfOpenCalls) { this.halfOpenCalls = halfOpenCalls; }
    }

    public static class Tools {
        /** Only these tools (names or patterns like "get-*"); empty means all. */
        private List<String> include = new ArrayList<>();
        /** Never these tools; wins over include. */
        private List<String> exclude = new ArrayList<>();

        public List<String> getInclude() { return include; }
        public void setInclude(List<String> include) { this.include = include; }
        public List<String> getExclude() { return exclude; }
        public void setExclude(List<String> exclude) { this.exclude = exclude; }
    }

    public static class Catalog {
        /** Servers' lists are re-read at least this often (and at once on list_changed or a new registration). */
        private Duration refreshInterval = Duration.ofSeconds(30);
        /** A server that stops answering keeps its cached lists served for this long, to ride out restarts. */
        private Duration gracePeriod = Duration.ofSeconds(60);
        /** Items per page of the gateway's own lists (tools, prompts, resources, templates). */
        private int pageSize = 500;

        public Duration getRefreshInterval() { return refreshInterval; }
        public void setRefreshInterval(Duration refreshInterval) { this.refreshInterval = refreshInterval; }
        public Duration getGracePeriod() { return gracePeriod; }
        public void setGracePeriod(Duration gracePeriod) { this.gracePeriod = gracePeriod; }
        public int getPageSize() { return pageSize; }
        public void setPageSize(int pageSize) { this.pageSize = pageSize; }
    }

    public static class Upstream {
        /** TCP connect timeout towards upstream servers. */
        private Duration connectTimeout = Duration.ofSeconds(5);
        /**
         * Time an upstream has to answer a call; restarted by each progress notification, so a tool that
         * reports progress may run up to {@code max-request-duration}.
         */
        private Duration requestTimeout = Duration.ofMinutes(5);
        /** Upper bound for one call, however much progress it reports. */
        private Duration maxRequestDuration = Duration.ofMinutes(30);
        /** Time an upstream has to answer one list request during a fan-out before it is left out. */
        private Duration listTimeout = Duration.ofSeconds(10);
        /** Posting a client's answer or notification upstream, and reopening an upstream stream to resume it. */
        private Duration deliverTimeout = Duration.ofSeconds(30);
        /** What is sent upstream in the background: notifications/cancelled, the DELETE that ends a session. */
        private Duration closeTimeout = Duration.ofSeconds(5);
        /** Every server's circuit breaker, unless its registration sets its own thresholds. */
        private final Breaker breaker = Breaker.defaults();
        /**
         * Calls waiting for one server's answer at once (its bulkhead): a server that slows down holds at most this
         * many connections and requests; more are refused at once with -32001. A streamed answer counts until it starts.
         */
        private int maxConcurrentCalls = 200;

        public Breaker getBreaker() { return breaker; }
        public int getMaxConcurrentCalls() { return maxConcurrentCalls; }
        public void setMaxConcurrentCalls(int maxConcurrentCalls) { this.maxConcurrentCalls = maxConcurrentCalls; }

        /** The gateway's defaults for every server's breaker, bulkhead and timeouts. */
        public io.camelmcp.gateway.registry.CallPolicy policy() {
            return breaker.policy(maxConcurrentCalls, connectTimeout, requestTimeout, maxRequestDuration);
        }

        public Duration getDeliverTimeout() { return deliverTimeout; }
        public void setDeliverTimeout(Duration deliverTimeout) { this.deliverTimeout = deliverTimeout; }
        public Duration getCloseTimeout() { return closeTimeout; }
        public void setCloseTimeout(Duration closeTimeout) { this.closeTimeout = closeTimeout; }

        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getRequestTimeout() { return requestTimeout; }
        public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
        public Duration getMaxRequestDuration() { return maxRequestDuration; }
        public void setMaxRequestDuration(Duration maxRequestDuration) { this.maxRequestDuration = maxRequestDuration; }
        public Duration getListTimeout() { return listTimeout; }
        public void setListTimeout(Duration listTimeout) { this.listTimeout = listTimeout; }
    }

    public static class Discovery {
        /**
         * The first retry of a server that is not ready (ready ones are re-read every catalog.refresh-interval);
         * each failure in a row doubles it, up to {@code max-retry-interval}.
         */
        private Duration retryInterval = Duration.ofSeconds(5);
        /** The longest wait between retries of a server that keeps failing. */
        private Duration maxRetryInterval = Duration.ofMinutes(1);
        /** How often a ready server is health-checked between full reads (MCP ping, or its health path); 0: never. */
        private Duration healthInterval = Duration.ofSeconds(10);
        /** Time a health check has to answer. */
        private Duration healthTimeout = Duration.ofSeconds(5);

        public Duration getRetryInterval() { return retryInterval; }
        public void setRetryInterval(Duration retryInterval) { this.retryInterval = retryInterval; }
        public Duration getMaxRetryInterval() { return maxRetryInterval; }
        public void setMaxRetryInterval(Duration maxRetryInterval) { this.maxRetryInterval = maxRetryInterval; }
        public Duration getHealthInterval() { return healthInterval; }
        public void setHealthInterval(Duration healthInterval) { this.healthInterval = healthInterval; }
        public Duration getHealthTimeout() { return healthTimeout; }
        public void setHealthTimeout(Duration healthTimeout) { this.healthTimeout = healthTimeout; }
    }

    public List<Server> getServers() { return servers; }
    public void setServers(List<Server> servers) { this.servers = servers; }
    public List<VirtualServer> getVirtualServers() { return virtualServers; }
    public void setVirtualServers(List<VirtualServer> virtualServers) { this.virtualServers = virtualServers; }

    /**
     * Named, curated subsets of the federated catalogue, selected by the {@code X-Mcp-Virtualserver} header or served at
     * {@code /v/{name}/mcp}. Each list holds exposed names (tools and prompts with their server's prefix) or gateway
     * resource URIs, each a name or a pattern with {@code *}; a list left out keeps every item of its kind (as
     * Kuadrant's MCPVirtualServer does for prompts), an empty list keeps none.
     */
    private List<VirtualServer> virtualServers = new ArrayList<>();

    public static class VirtualServer {
        /** What clients select it by: letters, digits, '.', '_', '-' (a segment of the path /v/{name}/mcp). */
        private String name;
        /** What it is for (shown in the actuator's view). */
        private String description;
        /** The tools it serves, e.g. ["github_get_*", "calc_add"]; unset: all. */
        private List<String> tools;
        /** The prompts it serves; unset: all. */
        private List<String> prompts;
        /** The resources and resource templates it serves, by gateway URI (patterns like "mcp-gateway://docs/*"); unset: all. */
        private List<String> resources;
        /** Tool discovery for this virtual server's clients (unset: {@code mcp.gateway.tool-discovery.enabled}). */
        private Boolean toolDiscovery;

        public Boolean getToolDiscovery() { return toolDiscovery; }
        public void setToolDiscovery(Boolean toolDiscovery) { this.toolDiscovery = toolDiscovery; }
        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getDescription() { return description; }
        public void setDescription(String description) { this.description = description; }
        public List<String> getTools() { return tools; }
        public void setTools(List<String> tools) { this.tools = tools; }
        public List<String> getPrompts() { return prompts; }
        public void setPrompts(List<String> prompts) { this.prompts = prompts; }
        public List<String> getResources() { return resources; }
        public void setResources(List<String> resources) { this.resources = resources; }

        /** The definition the federation compiles. */
        public io.camelmcp.gateway.federation.VirtualServer.Definition definition() {
            return new io.camelmcp.gateway.federation.VirtualServer.Definition(name, description, tools, prompts, resources,
                    toolDiscovery);
        }
    }
    public List<String> getAllowedOrigins() { return allowedOrigins; }
    public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
    public DataSize getMaxRequestSize() { return maxRequestSize; }
    public void setMaxRequestSize(DataSize maxRequestSize) { this.maxRequestSize = maxRequestSize; }
    public Duration getSessionIdleTimeout() { return sessionIdleTimeout; }
    public void setSessionIdleTimeout(Duration sessionIdleTimeout) { this.sessionIdleTimeout = sessionIdleTimeout; }
    public int getMaxSessionsPerClient() { return maxSessionsPerClient; }
    public void setMaxSessionsPerClient(int max) { this.maxSessionsPerClient = atLeastZero("max-sessions-per-client", max); }
    public int getMaxStreamsPerSession() { return maxStreamsPerSession; }
    public void setMaxStreamsPerSession(int max) { this.maxStreamsPerSession = atLeastZero("max-streams-per-session", max); }
    public int getMaxStreams() { return maxStreams; }
    public void setMaxStreams(int max) {
        if (max < -1) {
            throw new IllegalArgumentException("mcp.gateway.max-streams must be -1 (from the heap), 0 (no limit) or more, not " + max);
        }
        this.maxStreams = max;
    }

    /** {@link #getMaxStreams()} with -1 worked out from this JVM's maximum heap. */
    public int effectiveMaxStreams() {
        return maxStreams >= 0 ? maxStreams : (int) Math.max(1, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / (40 << 10)));
    }

    private static int atLeastZero(String property, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("mcp.gateway." + property + " must be 0 (no limit) or more, not " + value);
        }
        return value;
    }

    public Duration getStreamAfter() { return streamAfter; }
    public void setStreamAfter(Duration streamAfter) { this.streamAfter = streamAfter; }
    public Upstream getUpstream() { return upstream; }
    public Discovery getDiscovery() { return discovery; }
    public Demo getDemo() { return demo; }
    public Catalog getCatalog() { return catalog; }
    public Metrics getMetrics() { return metrics; }

    public static class Metrics {
        /** Distinct tool names tagged on mcp.client.operation.duration; tools past these are tagged _other. */
        private int maxToolTags = 1000;

        public int getMaxToolTags() { return maxToolTags; }
        public void setMaxToolTags(int maxToolTags) { this.maxToolTags = maxToolTags; }
    }
}
