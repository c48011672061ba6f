package io.camelmcp.gateway.registration;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.convert.DurationStyle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.registry.CallPolicy;

/**
 * A registration's {@code limits}: its own circuit breaker thresholds, bulkhead and timeouts, as JSON (the names of
 * {@code mcp.gateway.servers[i].*} in camelCase, durations as {@code "500ms"}, {@code "30s"} or ISO-8601). Every
 * member is optional; what is left out is the gateway's default. A bad member is a 400 naming it.
 */
public final class Limits {

    static final Set<String> MEMBERS = Set.of("failureRateThreshold", "slowCallRateThreshold", "slowCallDuration",
            "minimumNumberOfCalls", "slidingWindowSize", "waitInOpenState", "halfOpenCalls", "maxConcurrentCalls",
            "connectTimeout", "requestTimeout", "maxRequestDuration");

    private Limits() {
    }

    /** The policy {@code limits} sets (null: none); a bad member is a 400 naming {@code field.member}. */
    public static CallPolicy policy(JsonNode limits, String field) {
        if (limits == null || limits.isNull()) {
            return CallPolicy.DEFAULTS;
        }
        if (!(limits instanceof ObjectNode o)) {
            throw Problem.badRequest(field, "must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            String member = it.next().getKey();
            if (!MEMBERS.contains(member)) {
                throw Problem.badRequest(field + "." + member, "unknown member (expected one of "
                        + String.join(", ", new java.util.TreeSet<>(MEMBERS)) + ")");
            }
        }
        try {
            return new CallPolicy(percent(o, field, "failureRateThreshold"), percent(o, field, "slowCallRateThreshold"),
                    duration(o, field, "slowCallDuration"), count(o, field, "minimumNumberOfCalls"),
                    count(o, field, "slidingWindowSize"), duration(o, field, "waitInOpenState"),
                    count(o, field, "halfOpenCalls"), count(o, field, "maxConcurrentCalls"),
                    duration(o, field, "connectTimeout"), duration(o, field, "requestTimeout"),
                    duration(o, field, "maxRequestDuration"));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(field, e.getMessage());
        }
    }

    private static Float percent(ObjectNode o, String field, String member) {
        JsonNode v = o.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.doubleValue() <= 0 || v.doubleValue() > 100) {
            throw Problem.badRequest(field + "." + member, "must be a percentage above 0, at most 100");
        }
        return v.floatValue();
    }

    private static Integer count(ObjectNode o, String field, String member) {
        JsonNode v = o.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        int max = member.equals("maxConcurrentCalls") ? CallPolicy.MAX_CONCURRENT_CALLS : CallPolicy.MAX_WINDOW;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1 || v.intValue() > max) {
            throw Problem.badRequest(field + "." + member, "must be a whole number from 1 to " + max);
        }
        return v.intValue();
    }

    private static Duration duration(ObjectNode o, String field, String member) {
        JsonNode v = o.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        Duration d = null;
        if (v.isTextual()) {
            try {
                d = DurationStyle.detectAndParse(v.textValue().strip());
            } catch (IllegalArgumentException e) {
                d = null;
            }
        }
        if (d == null || d.toMillis() < 1) {
            throw Problem.badRequest(field + "." + member, "must be a duration of at least 1ms such as \"500ms\", \"30s\" or \"PT2M\"");
        }
        return d;
    }
}
