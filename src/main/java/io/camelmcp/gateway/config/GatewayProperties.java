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

    /** Extra allowed values of the {@code Origin} header; loopback origins are always allowed. "*" allows all. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Largest JSON-RPC message accepted on {@code /mcp}. */
    private DataSize maxRequestSize = DataSize.ofMegabytes(4);

    /** A gateway session unused for this long is ended, with its upstream sessions. */
    private Duration sessionIdleTimeout = Duration.ofHours(1);

    private final Upstream upstream = new Upstream();

    private final Discovery discovery = new Discovery();

    private final Demo demo = new Demo();

    public static class Demo {
        /** Serve and register the two bundled demo servers (clock_, calc_) from this process. */
        private boolean enabled = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    public static class Server {
        /** Unique name, used in logs, status and health. */
        private String name;
        /** Streamable HTTP endpoint of the server, e.g. http://host:3001/mcp. */
        private String url;
        /** Prepended to the server's tool names; empty only when it is the only server. */
        private String prefix = "";
        /** Extra HTTP headers sent to this server only (e.g. credentials). */
        private Map<String, String> headers = new LinkedHashMap<>();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getPrefix() { return prefix; }
        public void setPrefix(String prefix) { this.prefix = prefix == null ? "" : prefix; }
        public Map<String, String> getHeaders() { return headers; }
        public void setHeaders(Map<String, String> headers) { this.headers = headers; }
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
        /** How often ready servers are probed (initialize + tools/list). */
        private Duration interval = Duration.ofSeconds(30);
        /** How often servers that are not ready are retried. */
        private Duration retryInterval = Duration.ofSeconds(5);

        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public Duration getRetryInterval() { return retryInterval; }
        public void setRetryInterval(Duration retryInterval) { this.retryInterval = retryInterval; }
    }

    public List<Server> getServers() { return servers; }
    public void setServers(List<Server> servers) { this.servers = servers; }
    public List<String> getAllowedOrigins() { return allowedOrigins; }
    public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
    public DataSize getMaxRequestSize() { return maxRequestSize; }
    public void setMaxRequestSize(DataSize maxRequestSize) { this.maxRequestSize = maxRequestSize; }
    public Duration getSessionIdleTimeout() { return sessionIdleTimeout; }
    public void setSessionIdleTimeout(Duration sessionIdleTimeout) { this.sessionIdleTimeout = sessionIdleTimeout; }
    public Upstream getUpstream() { return upstream; }
    public Discovery getDiscovery() { return discovery; }
    public Demo getDemo() { return demo; }
}
