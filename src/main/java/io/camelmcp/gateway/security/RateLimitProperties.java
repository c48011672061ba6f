package io.camelmcp.gateway.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mcp.gateway.security.rate-limits.*}: how many tools/call requests a client may make, in Resilience4j's words
 * (limitForPeriod calls per limitRefreshPeriod, waiting at most timeoutDuration for a permit). Off by default: no limit
 * applies while {@code per-identity.limit-for-period} is 0 and {@code tools} is empty. A client is its authenticated
 * identity, or its remote address while the gateway does not authenticate.
 */
@ConfigurationProperties("mcp.gateway.security.rate-limits")
public class RateLimitProperties {

    /** Every tools/call of one client, whatever the tool. */
    private Limit perIdentity = new Limit();

    /**
     * Limits per tool, by name as clients see it (with the server's prefix), {@code *} matching any characters: the
     * first rule whose name matches a tool applies to it. Each tool matching a rule has its own budget; shared by all
     * clients unless the rule says {@code per-identity: true}.
     */
    private List<ToolLimit> tools = new ArrayList<>();

    /**
     * The most limiters (one per client, per tool, per client and tool) kept at once. Limiters idle for longer than
     * their period are dropped first (they hold nothing a new one would not); past this many active ones, the least
     * recently used are dropped (their clients start afresh).
     */
    private int maxLimiters = 10_000;

    public Limit getPerIdentity() { return perIdentity; }
    public void setPerIdentity(Limit perIdentity) { this.perIdentity = perIdentity; }
    public List<ToolLimit> getTools() { return tools; }
    public void setTools(List<ToolLimit> tools) { this.tools = tools; }
    public int getMaxLimiters() { return maxLimiters; }
    public void setMaxLimiters(int maxLimiters) { this.maxLimiters = maxLimiters; }

    /** One limit: Resilience4j's RateLimiterConfig. */
    public static class Limit {
        /** Calls allowed per {@code limit-refresh-period}; 0: no limit. */
        private int limitForPeriod;
        /** The period after which the calls allowed are counted afresh. */
        private Duration limitRefreshPeriod = Duration.ofMinutes(1);
        /**
         * How long a call over the limit waits for the next period before it is refused (0: refused at once, the
         * client told when to retry; a wait holds the client's request open).
         */
        private Duration timeoutDuration = Duration.ZERO;

        public int getLimitForPeriod() { return limitForPeriod; }
        public void setLimitForPeriod(int limitForPeriod) { this.limitForPeriod = limitForPeriod; }
        public Duration getLimitRefreshPeriod() { return limitRefreshPeriod; }
        public void setLimitRefreshPeriod(Duration limitRefreshPeriod) { this.limitRefreshPeriod = limitRefreshPeriod; }
        public Duration getTimeoutDuration() { return timeoutDuration; }
        public void setTimeoutDuration(Duration timeoutDuration) { this.timeoutDuration = timeoutDuration; }

        boolean enabled() { return limitForPeriod > 0; }
    }

    /** A limit for the tools whose name matches {@code name}. */
    public static class ToolLimit extends Limit {
        /** The tool's name as clients see it; {@code *} matches any characters ({@code github_*}, {@code *}). */
        private String name = "*";
        /** true: each client has this budget for the tool; false: all clients share it. */
        private boolean perIdentity;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public boolean isPerIdentity() { return perIdentity; }
        public void setPerIdentity(boolean perIdentity) { this.perIdentity = perIdentity; }
    }
}
