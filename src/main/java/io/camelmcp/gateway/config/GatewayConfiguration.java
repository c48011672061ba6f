package io.camelmcp.gateway.config;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.demo.DemoServers;
import io.camelmcp.gateway.endpoint.Batches;
import io.camelmcp.gateway.endpoint.McpCorsFilter;
import io.camelmcp.gateway.endpoint.RequestSizeFilter;
import io.camelmcp.gateway.endpoint.McpReplies;
import io.camelmcp.gateway.endpoint.McpSessions;
import io.camelmcp.gateway.endpoint.McpStateless;
import io.camelmcp.gateway.protocol.StatelessResults;
import io.camelmcp.gateway.session.SharedSecret;
import io.camelmcp.gateway.endpoint.McpTransport;
import io.camelmcp.gateway.federation.CallRouter;
import io.camelmcp.gateway.federation.ToolDiscovery;
import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.Forwarder;
import io.camelmcp.gateway.federation.ListAggregationStrategy;
import io.camelmcp.gateway.federation.VirtualServers;
import io.camelmcp.gateway.health.RegistryHealthIndicator;
import io.camelmcp.gateway.health.ServersEndpoint;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.federation.DiscoveryService;
import io.camelmcp.gateway.federation.ProbeSchedule;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.federation.LoggingLevels;
import io.camelmcp.gateway.relay.RoundTrips;
import io.camelmcp.gateway.relay.Subscriptions;
import io.camelmcp.gateway.relay.ServerMessages;
import io.camelmcp.gateway.federation.TaskLists;
import io.camelmcp.gateway.health.SessionStoreHealthIndicator;
import io.camelmcp.gateway.session.InMemoryExpiringStore;
import io.camelmcp.gateway.session.LocalReplicaBus;
import io.camelmcp.gateway.session.ReplicaBus;
import io.camelmcp.gateway.session.InMemorySessionStore;
import io.camelmcp.gateway.session.RelayStores;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.upstream.SseRelay;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * Wires the beans the routes call by name ({@code mcpTransport}, {@code mcpSessions}, {@code mcpCatalog}, {@code mcpRouter}, {@code mcpForwarder}, …).
 * Routes say what happens; these beans say how.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    public static final String STATIC_SOURCE = "static";

    /**
     * Jackson recycles its parser and generator buffers per thread by default; every request here runs on a new
     * virtual thread, so that pool never hits and each message allocated fresh buffers. A shared pool does.
     */
    @Bean
    org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer sharedJacksonBuffers() {
        return builder -> builder.postConfigurer(m -> m.getFactory()
                .setRecyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()));
    }

    @Bean
    JsonRpc jsonRpc(ObjectMapper mapper, GatewayProperties props) {
        return new JsonRpc(mapper, props.getMaxRequestSize().toBytes());
    }

    @Bean
    JsonNode gatewayInfo(ObjectMapper mapper, ObjectProvider<BuildProperties> build) {
        ObjectNode info = mapper.createObjectNode();
        info.put("name", "camel-mcp-gateway");
        info.put("title", "Camel MCP Gateway");
        BuildProperties b = build.getIfAvailable();
        info.put("version", b != null ? b.getVersion() : "dev");
        return info;
    }

    /** The store chosen once (mcp.gateway.store): this JVM's memory, or Redis shared by every replica. */
    @Bean
    SessionStore sessionStore(GatewayProperties props, ObjectProvider<RedisStoreConfiguration.RedisStores> redis) {
        return props.getStore() == GatewayProperties.Store.REDIS ? redis.getObject().sessions()
                : new InMemorySessionStore(props.getSessionIdleTimeout());
    }

    /** What replicas tell each other (the routes of replicas.yaml carry it with the Redis store). */
    @Bean
    ReplicaBus mcpReplicaBus(GatewayProperties props, ObjectMapper mapper, ObjectProvider<RedisStoreConfiguration.RedisStores> redis) {
        return props.getStore() == GatewayProperties.Store.REDIS ? redis.getObject().bus() : new LocalReplicaBus(mapper);
    }

    @Bean
    SessionStoreHealthIndicator sessionStoreHealthIndicator(SessionStore store,
            ObjectProvider<org.springframework.data.redis.listener.RedisMessageListenerContainer> replicaListener) {
        var listener = replicaListener.getIfAvailable();
        return new SessionStoreHealthIndicator(store, listener == null ? () -> true : listener::isListening);
    }

    @Bean(destroyMethod = "close")
    UpstreamClient upstreamClient(GatewayProperties props, io.camelmcp.gateway.upstream.UpstreamCredentials credentials) {
        return new UpstreamClient(props.getUpstream().getConnectTimeout(), credentials);
    }

    @Bean
    UpstreamSessions upstreamSessions(UpstreamClient client, SessionStore store, JsonRpc json, JsonNode gatewayInfo,
                                        GatewayProperties props) {
        return new UpstreamSessions(client, store, json, gatewayInfo, props.getUpstream().getDeliverTimeout(),
                props.getUpstream().getCloseTimeout());
    }

    /** The static servers: {@code mcp.gateway.servers}, or the servers file when one is set (see {@link ServersFile}). */
    @Bean
    ServerRegistry serverRegistry(GatewayProperties props) {
        ServerRegistry registry = new ServerRegistry();
        if (!props.hasServersFile()) {
            registry.reconcile(STATIC_SOURCE, props.getServers().stream()
                    .map(s -> ServersFile.registration(s, STATIC_SOURCE)).toList());
        }
        return registry;
    }

    /**
     * {@code mcp.gateway.servers-file}, applied before the first probe and compared by the {@code servers-file} timer of
     * housekeeping.yaml; absent without one (the timer then finds nothing to check).
     */
    @Bean
    ServersFileCheck mcpServersFile(ServerRegistry registry, GatewayProperties props,
                                    org.springframework.core.env.ConfigurableEnvironment env) {
        if (!props.hasServersFile()) {
            return new ServersFileCheck(null);
        }
        return new ServersFileCheck(new ServersFile(props.getServersFile().trim(), registry, STATIC_SOURCE,
                new org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver(env),
                props.getServersFileInterval()));
    }

    /** What the timer route calls: the servers file's check, or nothing when no servers file is set. */
    public record ServersFileCheck(ServersFile file) {
        public void check() {
            if (file != null) {
                file.check();
            }
        }
    }

    @Bean
    Catalog mcpCatalog(ServerRegistry registry, UpstreamSessions sessions, UpstreamClient client, JsonRpc json,
                       GatewayProperties props, VirtualServers virtualServers) {
        Catalog catalog = new Catalog(registry, sessions, client, json, props.getUpstream().getListTimeout(),
                props.getCatalog().getGracePeriod(), props.getCatalog().getPageSize());
        catalog.virtualServers(virtualServers);
        return catalog;
    }

    /**
     * {@code mcp.gateway.virtual-servers} (MCPVirtualServer resources join them with Kubernetes on): the routes'
     * {@code mcpVirtualServers}. A change of their definitions changes what their clients list: list_changed to every
     * listening client, as a change of the authorization rules does.
     */
    @Bean
    VirtualServers mcpVirtualServers(GatewayProperties props, ObjectProvider<ClientStreams> streams,
                                     ObjectProvider<Subscriptions> subscriptions) {
        VirtualServers virtualServers = new VirtualServers(props.getVirtualServers().stream()
                .map(GatewayProperties.VirtualServer::definition).toList());
        virtualServers.onChange(AuthorizationConfiguration.listsChanged(streams, subscriptions));
        return virtualServers;
    }

    /** Tool discovery (mcp-endpoint.yaml's dispatch, catalog-list.yaml, tool-discovery.yaml; off by default). */
    @Bean
    ToolDiscovery mcpToolDiscovery(GatewayProperties props, Catalog catalog, SessionStore store, ClientStreams streams,
                                   JsonRpc json) {
        return new ToolDiscovery(props.getToolDiscovery().isEnabled(), catalog, store, streams, json);
    }

    /** The guard of mcp-dispatch's meta-tool branch: a plain Predicate (ref language), false at once when off. */
    @Bean
    org.apache.camel.Predicate mcpMetaToolCall(ToolDiscovery discovery) {
        return discovery::namesMetaTool;
    }

    /** The guard of catalog-list.yaml's discovery list, the same way. */
    @Bean
    org.apache.camel.Predicate mcpToolDiscoveryList(ToolDiscovery discovery) {
        return discovery::listsTools;
    }

    /** Closes the catalogue's upstream streams first on shutdown (highest phase stops first). */
    @Bean
    SmartLifecycle mcpCatalogLifecycle(Catalog catalog) {
        return onStop(Integer.MAX_VALUE, catalog::close);
    }

    /**
     * On SIGTERM, just before the web server drains (server.shutdown=graceful: no new connections, the requests in
     * progress waited for at most spring.lifecycle.timeout-per-shutdown-phase): the clients' GET streams and
     * 2026-07-28 subscriptions end, their answers completing, so that the drain waits for calls in progress only,
     * not for streams that never end by themselves.
     */
    @Bean
    SmartLifecycle mcpStreamsLifecycle(ClientStreams streams, Subscriptions subscriptions) {
        return onStop(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1, () -> {
            int ended = streams.shutdown();
            int listens = subscriptions.open();
            subscriptions.close();
            LOG.info("Shutting down: {} GET stream(s) and {} subscription(s) ended; calls in progress go on", ended, listens);
        });
    }

    /**
     * After the drain, before the web server and Camel stop: with the memory store a client's session cannot outlive
     * this process, so its upstream sessions are ended (DELETE, waited for at most upstream.close-timeout); a shared
     * store's (Redis) live on for the other replicas and are left alone.
     */
    @Bean
    SmartLifecycle mcpClientSessionsLifecycle(SessionStore store, UpstreamSessions upstreams, ServerRegistry registry) {
        return onStop(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1, () -> {
            List<SessionStore.EndedSession> ended = store.endWithReplica();
            if (ended.isEmpty()) {
                return;
            }
            List<Map.Entry<ServerRegistration, UpstreamSession>> toEnd = new ArrayList<>();
            RegistrySnapshot snapshot = registry.snapshot();
            for (SessionStore.EndedSession e : ended) {
                for (UpstreamSession u : e.upstreams()) {
                    RegistrySnapshot.Entry server = snapshot.server(u.server());
                    // the demo servers run in this process: their sessions ended with them (demoServersLifecycle)
                    if (server != null && !DemoServers.SOURCE.equals(server.registration().source())) {
                        toEnd.add(Map.entry(server.registration(), u));
                    }
                }
            }
            int deleted = upstreams.closeAll(toEnd);
            LOG.info("Shutting down: {} client session(s) ended, {} of their {} upstream session(s) ended with DELETE",
                    ended.size(), deleted, toEnd.size());
        });
    }

    /** A lifecycle that only acts on stop, in {@code phase} (the highest stops first). */
    private static SmartLifecycle onStop(int phase, Runnable stop) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override public void start() { running = true; }
            @Override public void stop() { running = false; stop.run(); }
            @Override public boolean isRunning() { return running; }
            @Override public int getPhase() { return phase; }
        };
    }

    @Bean
    DiscoveryService discoveryService(ServerRegistry registry, Catalog catalog, UpstreamClient client, GatewayProperties props) {
        GatewayProperties.Discovery d = props.getDiscovery();
        return new DiscoveryService(registry, catalog, client, new ProbeSchedule(props.getCatalog().getRefreshInterval(),
                d.getHealthInterval(), d.getRetryInterval(), d.getMaxRetryInterval()), d.getHealthTimeout());
    }

    /**
     * The configured servers are probed as soon as the web server is up (readiness waits for their first probe),
     * not at the discovery timer's first tick once Camel has started: a few hundred ms sooner on 2 cores.
     */
    @Bean
    ApplicationListener<WebServerInitializedEvent> probeOnWebServerStart(DiscoveryService discovery) {
        return event -> discovery.probeDue();
    }

    @Bean
    McpTransport mcpTransport(JsonRpc json, GatewayProperties props) {
        return new McpTransport(json, props.getAllowedOrigins(), props.getMaxRequestSize().toBytes());
    }

    @Bean
    McpSessions mcpSessions(SessionStore store, UpstreamSessions upstreams, ServerRegistry registry, JsonRpc json,
                            JsonNode gatewayInfo, GatewayProperties props, ClientStreams streams,
                            VirtualServers virtualServers) {
        return new McpSessions(store, upstreams, registry, json, gatewayInfo, props.getSessionIdleTimeout(), streams,
                props.getMaxSessionsPerClient(), virtualServers);
    }

    @Bean
    ClientStreams mcpClientStreams(ServerRegistry registry, SessionStore store, UpstreamSessions upstreams,
                                   UpstreamClient client, ServerMessages serverMessages, JsonRpc json, Catalog catalog,
                                   GatewayProperties props, ReplicaBus bus) {
        ClientStreams streams = new ClientStreams(registry, store, upstreams, client, serverMessages, json,
                props.getUpstream().getListTimeout(), bus, props.getMaxStreamsPerSession(), props.effectiveMaxStreams());
        return streams;
    }

    /** subscriptions/listen of 2026-07-28 clients (mcp-2026.yaml). */
    @Bean(destroyMethod = "close")
    Subscriptions mcpSubscriptions(ServerRegistry registry, UpstreamSessions upstreams, UpstreamClient client, JsonRpc json,
                                   GatewayProperties props, Catalog catalog, ClientStreams streams) {
        Subscriptions subscriptions = new Subscriptions(registry, upstreams, client, json,
                props.getUpstream().getListTimeout(), Duration.ofSeconds(15), streams);
        // what clients see changed: tell every listening client (GET streams, subscriptions), once per change
        catalog.onMergedChanged(kinds -> kinds.stream().map(k -> switch (k) {
            case TOOLS -> "notifications/tools/list_changed";
            case PROMPTS -> "notifications/prompts/list_changed";
            case RESOURCES, TEMPLATES -> "notifications/resources/list_changed";
        }).distinct().forEach(method -> {
            streams.broadcast(method);
            subscriptions.changed(method);
        }));
        return subscriptions;
    }

    @Bean
    TaskLists mcpTasks(Catalog catalog, UpstreamSessions upstreams, ServerMessages serverMessages, JsonRpc json,
                       GatewayProperties props) {
        return new TaskLists(catalog, upstreams, serverMessages, json, props.getUpstream().getListTimeout());
    }

    @Bean
    LoggingLevels mcpLogging(Catalog catalog, UpstreamSessions upstreams, JsonRpc json, SessionStore store,
                             GatewayProperties props) {
        return new LoggingLevels(catalog, upstreams, json, props.getUpstream().getListTimeout(), store);
    }

    /** Connects the servlet: consumer of mcp-endpoint.yaml to {@link io.camelmcp.gateway.endpoint.McpServlet}. */
    @Bean
    org.apache.camel.http.common.HttpRegistry mcpHttpRegistry() {
        return new org.apache.camel.http.common.DefaultHttpRegistry();
    }

    /** Camel's servlet component, with this application's registry rather than the JVM-wide default. */
    @Bean(name = "servlet")
    org.apache.camel.component.servlet.ServletComponent servletComponent(org.apache.camel.http.common.HttpRegistry mcpHttpRegistry) {
        var component = new org.apache.camel.component.servlet.ServletComponent();
        component.setHttpRegistry(mcpHttpRegistry);
        component.setHttpBinding(new io.camelmcp.gateway.endpoint.McpHttpBinding());
        return component;
    }

    /**
     * {@code /mcp}: Camel's servlet, running the mcp-endpoint route on the request's virtual thread; also {@code /v/*},
     * virtual servers' own endpoints (/v/{name}/mcp), the same route.
     */
    @Bean
    org.springframework.boot.web.servlet.ServletRegistrationBean<io.camelmcp.gateway.endpoint.McpServlet> mcpServlet(
            org.apache.camel.http.common.HttpRegistry mcpHttpRegistry, io.micrometer.core.instrument.MeterRegistry meters,
            io.camelmcp.gateway.tracing.McpTracing mcpTracing) {
        var reg = new org.springframework.boot.web.servlet.ServletRegistrationBean<>(
                new io.camelmcp.gateway.endpoint.McpServlet(mcpHttpRegistry,
                        new io.camelmcp.gateway.endpoint.McpRequestMetrics(meters), mcpTracing), "/mcp",
                io.camelmcp.gateway.endpoint.McpServlet.VIRTUAL_SERVERS_MAPPING);
        reg.setName("mcp");
        reg.setLoadOnStartup(1);
        reg.setAsyncSupported(true); // the filters in front of it are async-capable
        return reg;
    }

    /** Bounds a request body before Camel's HTTP binding copies it (a chunked 400 MB body must not fill the heap). */
    @Bean
    FilterRegistrationBean<RequestSizeFilter> mcpRequestSizeFilter(GatewayProperties props) {
        FilterRegistrationBean<RequestSizeFilter> reg =
                new FilterRegistrationBean<>(new RequestSizeFilter(props.getMaxRequestSize().toBytes()));
        reg.addUrlPatterns("/mcp", io.camelmcp.gateway.endpoint.McpServlet.VIRTUAL_SERVERS_MAPPING);
        reg.setAsyncSupported(true);
        return reg;
    }

    /** CORS for browser-based clients: the same origins as the Origin check, loopback plus the configured ones. */
    @Bean
    FilterRegistrationBean<McpCorsFilter> mcpCorsFilter(GatewayProperties props) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(new java.util.ArrayList<>(List.of("http://localhost:[*]", "https://localhost:[*]",
                "http://127.0.0.1:[*]", "https://127.0.0.1:[*]", "http://[::1]:[*]", "https://[::1]:[*]")));
        props.getAllowedOrigins().forEach(cors::addAllowedOriginPattern);
        cors.setAllowedMethods(List.of("GET", "POST", "DELETE"));
        cors.setExposedHeaders(List.of("Mcp-Session-Id", "MCP-Protocol-Version", "WWW-Authenticate"));
        cors.setMaxAge(3600L);
        FilterRegistrationBean<McpCorsFilter> reg = new FilterRegistrationBean<>(new McpCorsFilter(cors));
        reg.addUrlPatterns("/mcp", io.camelmcp.gateway.endpoint.McpServlet.VIRTUAL_SERVERS_MAPPING);
        reg.setAsyncSupported(true);
        reg.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
        return reg;
    }

    @Bean
    Batches mcpBatches(JsonRpc json) {
        return new Batches(json);
    }

    @Bean
    McpReplies mcpReplies(JsonRpc json) {
        return new McpReplies(json);
    }

    /** The key the replicas share (random with the memory store, one replica; in Redis with several). */
    @Bean
    SharedSecret mcpSharedSecret(GatewayProperties props, ObjectProvider<RedisStoreConfiguration.RedisStores> redis) {
        return props.getStore() == GatewayProperties.Store.REDIS ? redis.getObject().secret() : SharedSecret.random();
    }

    /** What answers to 2026-07-28 clients carry (resultType, caching hints, serverInfo). */
    @Bean
    StatelessResults mcpStatelessResults(JsonNode gatewayInfo, GatewayProperties props) {
        return new StatelessResults(gatewayInfo, props.getCatalog().getRefreshInterval().toMillis());
    }

    @Bean
    McpStateless mcpStateless(SessionStore store, JsonRpc json, StatelessResults results, SharedSecret secret,
                              Catalog catalog) {
        return new McpStateless(store, json, results, secret, catalog);
    }

    /** MRTR for 2026-07-28 clients of session-based upstreams (forward.yaml). */
    @Bean
    RoundTrips mcpRoundTrips(UpstreamSessions upstreams, ServerMessages serverMessages, RelayStores relayStores, JsonRpc json,
                             SharedSecret secret, StatelessResults results, GatewayProperties props, ReplicaBus bus) {
        return new RoundTrips(upstreams, serverMessages, relayStores, json, secret, results,
                props.getUpstream().getRequestTimeout(), props.getUpstream().getMaxRequestDuration(), bus);
    }

    /**
     * The guard of forward.yaml's MRTR retry branch (RoundTrips#resumes): a plain Predicate (ref language), not a bean
     * expression, which Camel evaluates on a copy of the exchange for every forwarded message.
     */
    @Bean
    org.apache.camel.Predicate mcpResumesCall(RoundTrips roundTrips) {
        return exchange -> roundTrips.resumes(
                exchange.getProperty(io.camelmcp.gateway.exchange.McpExchange.MESSAGE,
                        io.camelmcp.gateway.protocol.JsonRpcMessage.class),
                exchange.getProperty(io.camelmcp.gateway.exchange.McpExchange.FAMILY, String.class));
    }

    @Bean
    CallRouter mcpRouter(ServerRegistry registry, ServerMessages serverMessages) {
        return new CallRouter(registry, serverMessages);
    }

    /** The relay's expiring ids (memory or Redis, as the session store); the id-expiry timer route purges them. */
    @Bean
    RelayStores relayStores(GatewayProperties props, ObjectProvider<RedisStoreConfiguration.RedisStores> redis) {
        return props.getStore() == GatewayProperties.Store.REDIS ? redis.getObject().relay()
                : new RelayStores(new InMemoryExpiringStore<>(), new InMemoryExpiringStore<>(), new InMemoryExpiringStore<>(),
                        new InMemoryExpiringStore<>());
    }

    @Bean
    ServerMessages mcpServerMessages(UpstreamSessions upstreams, ServerRegistry registry, RelayStores relayStores,
                                     JsonRpc json, GatewayProperties props, ReplicaBus bus) {
        return new ServerMessages(upstreams, registry, relayStores, json, props.getUpstream().getMaxRequestDuration(), bus);
    }

    /** mcp.client.operation.duration, taken in forward.yaml's server-call route. */
    @Bean
    io.camelmcp.gateway.federation.CallMetrics mcpCallMetrics(io.micrometer.core.instrument.MeterRegistry meters,
                                                              GatewayProperties props) {
        return new io.camelmcp.gateway.federation.CallMetrics(meters, props.getMetrics().getMaxToolTags());
    }

    /** Every server's own route for its calls, with its circuit breaker and bulkhead (forward.yaml's server-call). */
    @Bean
    io.camelmcp.gateway.federation.ServerCalls mcpServerCalls(CamelContext camel, ServerRegistry registry,
                                                             GatewayProperties props) {
        var calls = new io.camelmcp.gateway.federation.ServerCalls(camel, props.getUpstream().policy(),
                registry::snapshot);
        registry.addListener(calls::registryChanged);
        return calls;
    }

    @Bean
    Forwarder mcpForwarder(UpstreamSessions upstreams, JsonRpc json, DiscoveryService discovery, ServerMessages serverMessages,
                           ClientStreams streams, GatewayProperties props, io.camelmcp.gateway.federation.ServerCalls calls,
                           io.camelmcp.gateway.federation.CallMetrics metrics) {
        return new Forwarder(upstreams, json, discovery, new SseRelay.Deadline(
                props.getUpstream().getRequestTimeout(), props.getUpstream().getMaxRequestDuration()), serverMessages, streams,
                props.getStreamAfter(), calls, metrics);
    }

    /** The aggregation strategy every list fan-out route shares. */
    @Bean
    ListAggregationStrategy mcpListAggregation() {
        return new ListAggregationStrategy();
    }

    /**
     * Fan-out branches block on upstream I/O: one virtual thread each, no pool to exhaust. Bound in Camel's
     * registry only: as a Spring Executor bean it would switch off Spring Boot's own task executor.
     */
    @Bean
    CamelContextConfiguration mcpFanOutExecutor() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                ExecutorService fanOut = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-fanout-", 0).factory());
                context.getRegistry().bind("mcpFanOutExecutor", ExecutorService.class, fanOut);
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
            }
        };
    }

    @Bean
    RegistryHealthIndicator mcpRegistryHealthIndicator(ServerRegistry registry, ServersFileCheck serversFile) {
        return new RegistryHealthIndicator(registry, serversFile.file() == null ? null : serversFile.file()::details);
    }

    /**
     * /mcp is measured by {@code mcp.requests} (McpRequestMetrics, per MCP method); Spring's HTTP observation,
     * which would measure it again with /mcp as its only tag, stays on for every other path.
     */
    @Bean
    io.micrometer.observation.ObservationPredicate noHttpObservationOfMcp() {
        return (name, context) -> !(context instanceof org.springframework.http.server.observation.ServerRequestObservationContext c
                && ("/mcp".equals(c.getCarrier().getServletPath()) || "/v".equals(c.getCarrier().getServletPath())));
    }

    /** Gauges for operators: open sessions, registered and ready servers (GET /actuator/metrics/mcp.*). */
    @Bean
    MeterBinder mcpMetrics(SessionStore store, ServerRegistry registry) {
        return meters -> {
            // a map's size in memory; with Redis one ZCOUNT per scrape, no scan
            Gauge.builder("mcp.sessions.active", store, SessionStore::size)
                    .description(store instanceof io.camelmcp.gateway.session.InMemorySessionStore
                            ? "Open client sessions (this replica's: the session store is in memory)"
                            : "Open client sessions of every replica (the shared session store's count)").register(meters);
            Gauge.builder("mcp.servers.registered", registry, r -> r.snapshot().servers().size())
                    .description("Registered upstream MCP servers").register(meters);
            Gauge.builder("mcp.servers.ready", registry, r -> r.snapshot().readyServers().size())
                    .description("Upstream MCP servers that are ready").register(meters);
        };
    }

    /**
     * {@code mcp.server.session.duration} (the OpenTelemetry MCP conventions' name): each client session that ended,
     * tagged {@code mcp.protocol.version} and {@code error.type} ({@code timeout}: its idle TTL ended it; {@code none}: a
     * DELETE). Recorded by the replica that saw the end; the conventions' buckets, then up to 2 h.
     */
    @Bean
    MeterBinder mcpSessionDurations(SessionStore store) {
        Duration[] buckets = java.util.stream.DoubleStream.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120,
                300, 600, 1800, 3600, 7200).mapToObj(s -> Duration.ofMillis((long) (s * 1000))).toArray(Duration[]::new);
        return meters -> store.onEnded(ended -> {
            java.time.Instant created = ended.session().createdAt();
            if (created != null) {
                io.micrometer.core.instrument.Timer.builder("mcp.server.session.duration")
                        .description("Client sessions with the gateway, from initialize to their end")
                        .tag("mcp.protocol.version", String.valueOf(ended.session().protocolVersion()))
                        .tag("error.type", ended.expired() ? "timeout" : "none")
                        .serviceLevelObjectives(buckets).register(meters)
                        .record(Duration.between(created, java.time.Instant.now()));
            }
        });
    }

    /** mcp.gateway.fanout.duration, taken in catalog-list.yaml and tasks.yaml. */
    @Bean
    io.camelmcp.gateway.federation.FanOutMetrics mcpFanOutMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
        return new io.camelmcp.gateway.federation.FanOutMetrics(meters);
    }

    /** Per server: tools in the catalogue, readiness, breaker state (mcp.server.*), open GET streams to it. */
    @Bean
    io.camelmcp.gateway.health.ServerGauges mcpServerGauges(ServerRegistry registry, Catalog catalog,
                                                            io.camelmcp.gateway.federation.ServerCalls calls,
                                                            UpstreamClient client) {
        return new io.camelmcp.gateway.health.ServerGauges(registry, catalog, calls, client);
    }

    @Bean
    io.camelmcp.gateway.health.VirtualServersEndpoint mcpVirtualServersEndpoint(VirtualServers virtualServers,
                                                                                Catalog catalog) {
        return new io.camelmcp.gateway.health.VirtualServersEndpoint(virtualServers, catalog);
    }

    @Bean
    ServersEndpoint mcpServersEndpoint(ServerRegistry registry, Catalog catalog,
                                       io.camelmcp.gateway.federation.ServerCalls calls) {
        return new ServersEndpoint(registry, catalog, calls);
    }
}
