package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The container's own error answers, for requests no servlet answered: a header too large, too many headers, a
 * control character in one, two Content-Lengths, a broken chunked body, an unknown path. Tomcat's HTML page (and
 * Spring's {@code {"timestamp":…}} JSON, whose /error page the gateway does not register) would reach an MCP
 * client that can only read JSON-RPC. On {@code /mcp} the answer is a JSON-RPC error with a null id (the request
 * could not be read); elsewhere RFC 9457 problem+json, as the registration API answers. Never a stack trace, never
 * the request's own text.
 */
public class HttpErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable t) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String reason = reason(status);
        // the raw request line's path: for a request whose headers could not be parsed, nothing was decoded
        String uri = request.getCoyoteRequest().requestURI().toString();
        boolean mcp = uri != null && (uri.equals(McpServlet.PATH) || uri.startsWith(McpServlet.PATH + "/"));
        String body;
        String type;
        if (mcp) {
            int code = status == 400 || status == 413 || status == 431 ? -32600 : -32000;
            body = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",\"message\":\""
                    + escape(reason + (status == 400 ? ": the HTTP request is malformed (its request line, headers or"
                    + " body framing)" : "")) + "\"}}";
            type = "application/json";
        } else {
            body = "{\"type\":\"about:blank\",\"title\":\"" + escape(reason) + "\",\"status\":" + status + "}";
            type = "application/problem+json";
        }
        try {
            response.setContentType(type);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response is beyond reach: nothing more to tell it
        }
    }

    /** The status's English reason phrase (Spring's table: Tomcat's own strings follow the JVM's locale). */
    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase();
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
