package io.camelmcp.gateway.registration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refused API request, answered as {@code application/problem+json} (RFC 9457): the HTTP status, its title, a detail
 * a person can act on and, for a bad payload, the {@code field} it is about. Thrown by the API's beans, rendered once by
 * the routes' error handler.
 */
public final class Problem extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private final Map<String, String> headers;

    public Problem(int status, String title, String detail, String field, Map<String, String> headers) {
        super(detail, null, false, false); // an answer, not a failure: no stack trace
        this.status = status;
        this.title = title;
        this.field = field;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static Problem badRequest(String field, String detail) {
        return new Problem(400, "Invalid registration", field + ": " + detail, field, null);
    }

    public static Problem unauthorized(String detail, String challenge) {
        return new Problem(401, "Unauthorized", detail, null, Map.of("WWW-Authenticate", challenge));
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "Not Found", detail, null, null);
    }

    public static Problem conflict(String field, String detail) {
        return new Problem(409, "Conflict", detail, field, null);
    }

    public int status() { return status; }
    public String title() { return title; }
    public String field() { return field; }
    public Map<String, String> headers() { return headers; }

    /** The problem document's members. */
    public Map<String, Object> body(String instance) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "about:blank");
        out.put("title", title);
        out.put("status", status);
        out.put("detail", getMessage());
        if (field != null) {
            out.put("field", field);
        }
        if (instance != null) {
            out.put("instance", instance);
        }
        return out;
    }
}
