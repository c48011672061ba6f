package io.camelmcp.gateway.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.StatelessFamily;
import io.camelmcp.gateway.session.Identity;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/**
 * tools-call.yaml's first step: a client over one of its rate limits ({@code mcp.gateway.security.rate-limits.*}) gets a
 * {@link RateLimited} error saying which limit and when to retry, before the call is routed. The per-client limit
 * counts first, then the first tool rule matching the tool's name (a call refused by the tool's limit has used a
 * permit of the client's). Only tools/call counts: lists, reads and prompts are the gateway's own cheap answers or
 * not limited yet. A 2026-07-28 client's retry continuing a call (its requestState) is not counted again.
 */
public class RateLimits {

    public static final String PREFIX = "mcp.gateway.security.rate-limits";

    /** One configured limit, made into Resilience4j's config once. */
    private record Rule(String property, String pattern, boolean perClient, int max, Duration period,
                        RateLimiterConfig config) {

        static Rule of(String property, String pattern, boolean perClient, RateLimitProperties.Limit l) {
            if (l.getTimeoutDuration() != null && l.getTimeoutDuration().isNegative()) {
                throw new IllegalArgumentException(property + ".timeout-duration must not be negative");
            }
            if (l.getLimitRefreshPeriod() == null || l.getLimitRefreshPeriod().isNegative()
                    || l.getLimitRefreshPeriod().isZero()) {
                throw new IllegalArgumentException(property + ".limit-refresh-period must be positive");
            }
            return new Rule(property, pattern, perClient, l.getLimitForPeriod(), l.getLimitRefreshPeriod(),
                    RateLimiterConfig.custom()
                            .limitForPeriod(l.getLimitForPeriod())
                            .limitRefreshPeriod(l.getLimitRefreshPeriod())
                            .timeoutDuration(l.getTimeoutDuration() == null ? Duration.ZERO : l.getTimeoutDuration())
                            .build());
        }

        boolean matches(String tool) {
            return glob(pattern, 0, tool, 0);
        }
    }

    private final Rule perIdentity;
    private final List<Rule> tools = new ArrayList<>();
    private final Limiters limiters;
    /** Whether a request continues a call already counted (a 2026-07-28 retry with the gateway's requestState). */
    private final java.util.function.BiPredicate<JsonRpcMessage, String> continues;

    /** @param continues whether a request continues a call already counted (RoundTrips#resumes) */
    public RateLimits(RateLimitProperties props, java.util.function.BiPredicate<JsonRpcMessage, String> continues) {
        this.continues = continues;
        this.limiters = new Limiters(props.getMaxLimiters());
        if (props.getPerIdentity() != null && props.getPerIdentity().getLimitForPeriod() < 0
                || props.getTools().stream().anyMatch(t -> t.getLimitForPeriod() < 0)) {
            throw new IllegalArgumentException(PREFIX + ": limit-for-period must be 0 (no limit) or more");
        }
        this.perIdentity = props.getPerIdentity() != null && props.getPerIdentity().enabled()
                ? Rule.of(PREFIX + ".per-identity", null, true, props.getPerIdentity()) : null;
        for (int i = 0; i < props.getTools().size(); i++) {
            RateLimitProperties.ToolLimit t = props.getTools().get(i);
            String property = PREFIX + ".tools[" + i + "]";
            if (t.getName() == null || t.getName().isBlank()) {
                throw new IllegalArgumentException(property + ".name is required (a tool's name, * for any)");
            }
            // a rule with limit 0 still matches: it exempts its tools from the rules after it
            tools.add(t.enabled() ? Rule.of(property, t.getName(), t.isPerIdentity(), t) : new Rule(property,
                    t.getName(), false, 0, null, null));
        }
    }

    /** Whether any limit is configured (otherwise the step does nothing). */
    public boolean enabled() {
        return perIdentity != null || tools.stream().anyMatch(r -> r.config != null);
    }

    /** The tools/call request takes a permit of each limit that applies, or is refused with when to retry. */
    public void check(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                      @ExchangeProperty(McpExchange.FAMILY) String family) {
        if (perIdentity == null && tools.isEmpty() || msg == null || continues.test(msg, family)) {
            return;
        }
        String client = client(exchange);
        if (perIdentity != null) {
            acquire(perIdentity, "client:" + client, client, null, msg, family);
        }
        if (!tools.isEmpty()) {
            String tool = msg.paramsObject().path("name").asText("");
            for (Rule r : tools) {
                if (r.matches(tool)) {
                    if (r.config != null) {
                        acquire(r, r.property + ':' + tool + (r.perClient ? "@" + client : ""), client, tool, msg, family);
                    }
                    break;
                }
            }
        }
    }

    /** How many limiters are held now (bounded by max-limiters). */
    public int limiters() {
        return limiters.size();
    }

    private void acquire(Rule rule, String key, String client, String tool, JsonRpcMessage msg, String family) {
        RateLimiter limiter = limiters.get(key, rule.config);
        if (limiter.acquirePermission()) {
            return;
        }
        long nanos = limiter instanceof AtomicRateLimiter a ? a.getDetailedMetrics().getNanosToWait() : 0;
        long millis = Math.max(1, nanos > 0 ? TimeUnit.NANOSECONDS.toMillis(nanos + 999_999) : rule.period.toMillis());
        long seconds = Math.max(1, (millis + 999) / 1000); // Retry-After: whole seconds, rounded up
        Map<String, Object> data = new LinkedHashMap<>(); // in this order on the wire
        data.put("limit", rule.property);
        data.put("max", rule.max);
        data.put("period", rule.period.toString());
        if (tool != null) {
            data.put("tool", tool);
        }
        data.put("retryAfterSeconds", seconds);
        data.put("retryAfterMs", millis);
        String whose = tool == null ? "this client (" + client + ")"
                : rule.perClient ? "this client (" + client + ") and tool " + tool : "tool " + tool + " (all clients)";
        throw new RateLimited(StatelessFamily.NAME.equals(family) ? 429 : 200,
                "Too Many Requests: " + whose + " made the " + rule.max + " calls per " + human(rule.period) + " that "
                        + rule.property + " allows; retry after " + seconds + " s", msg.id(), seconds, data);
    }

    /** Who a call counts for: the authenticated identity, or the remote address while the gateway does not authenticate. */
    static String client(Exchange exchange) {
        Identity identity = exchange.getProperty(McpExchange.IDENTITY, Identity.ANONYMOUS, Identity.class);
        if (!identity.anonymous()) {
            return identity.key();
        }
        String address = exchange.getProperty(McpExchange.REMOTE_ADDRESS, String.class);
        return address == null || address.isEmpty() ? "unknown" : address;
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** {@code *} matches any characters (none included); everything else itself. */
    static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int i = si; i <= s.length(); i++) {
                    if (glob(p, pi, s, i)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
