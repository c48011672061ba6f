package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The container's own error answers, for requests no servlet answered: a header too large, a control character in
 * one, two Content-Lengths, an unknown path. Jetty's HTML page would reach an MCP client that can only read
 * JSON-RPC (and Spring's {@code /error} page is not registered). On {@code /mcp} the answer is a JSON-RPC error with
 * a null id (the request could not be read); elsewhere RFC 9457 problem+json, as the registration API answers.
 * Never a stack trace, never the request's own text. Jetty's server takes it for what its parser refuses, the
 * servlet context for what no servlet answered (JettyConfiguration).
 */
public class HttpErrorHandler extends ErrorHandler {

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // a DELETE or PUT gets the same JSON body as a POST, not an empty one
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
            Callback callback) throws IOException {
        String reason = reason(status);
        // the request line's path, as the parser read it: nothing else of a request that could not be read
        HttpURI uri = request.getHttpURI();
        String path = uri == null ? null : uri.getPath();
        boolean mcp = path != null && (path.equals(McpServlet.PATH) || path.startsWith(McpServlet.PATH + "/"));
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
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** The status's English reason phrase (Spring's table). */
    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase();
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
