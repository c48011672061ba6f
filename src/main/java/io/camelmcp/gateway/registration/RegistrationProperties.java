package io.camelmcp.gateway.registration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code mcp.gateway.registration.*}: the REST self-registration API ({@code /api/v1}). */
@ConfigurationProperties(prefix = "mcp.gateway.registration")
public class RegistrationProperties {

    /**
     * Keys accepted in {@code X-API-Key} (environment: {@code MCP_GATEWAY_REGISTRATION_APIKEYS=k1,k2}, e.g. from a
     * Kubernetes Secret). None: the API is off and every path under /api/v1 answers 404.
     */
    private List<String> apiKeys = new ArrayList<>();

    /** How often a registered server should send a heartbeat (told to it as {@code heartbeat_interval_seconds}). */
    private Duration heartbeatInterval = Duration.ofSeconds(30);

    /** A registration without a heartbeat for this long serves nothing until the next one; unset: 3 × the interval. */
    private Duration heartbeatTimeout;

    /** A registration without a heartbeat for this long is removed (its server must register again). */
    private Duration removalTimeout = Duration.ofMinutes(10);

    /** How often each replica reads the registrations and heartbeats of the store and applies timeouts. */
    private Duration syncInterval = Duration.ofSeconds(1);

    /** {@code POST /api/v1/register} requests one client (API key and address) may make per {@code rate-period}. */
    private int rateLimit = 20;

    /** The period of {@code rate-limit}; more requests in it get 429 with Retry-After. */
    private Duration ratePeriod = Duration.ofMinutes(1);

    public List<String> getApiKeys() { return apiKeys; }
    public void setApiKeys(List<String> apiKeys) { this.apiKeys = apiKeys; }
    public Duration getHeartbeatInterval() { return heartbeatInterval; }
    public void setHeartbeatInterval(Duration heartbeatInterval) { this.heartbeatInterval = heartbeatInterval; }
    public Duration getHeartbeatTimeout() { return heartbeatTimeout == null ? heartbeatInterval.multipliedBy(3) : heartbeatTimeout; }
    public void setHeartbeatTimeout(Duration heartbeatTimeout) { this.heartbeatTimeout = heartbeatTimeout; }
    public Duration getRemovalTimeout() { return removalTimeout; }
    public void setRemovalTimeout(Duration removalTimeout) { this.removalTimeout = removalTimeout; }
    public Duration getSyncInterval() { return syncInterval; }
    public void setSyncInterval(Duration syncInterval) { this.syncInterval = syncInterval; }
    public int getRateLimit() { return rateLimit; }
    public void setRateLimit(int rateLimit) { this.rateLimit = rateLimit; }
    public Duration getRatePeriod() { return ratePeriod; }
    public void setRatePeriod(Duration ratePeriod) { this.ratePeriod = ratePeriod; }
}
