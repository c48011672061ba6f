package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * CORS for browser-based clients (MCP Inspector, web agents): preflights from allowed origins are answered,
 * and responses to them expose the session headers to scripts. Origins are matched by Spring's
 * {@link CorsConfiguration}; requests from other origins are left to the endpoint's own Origin check, which
 * refuses them with 403 and a JSON-RPC error.
 */
public class McpCorsFilter extends OncePerRequestFilter {

    private final CorsConfiguration cors;

    public McpCorsFilter(CorsConfiguration cors) {
        this.cors = cors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        String allowed = cors.checkOrigin(origin);
        response.addHeader("Vary", "Origin");
        boolean preflight = "OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null;
        if (preflight) {
            if (allowed == null) {
                response.setStatus(403);
                response.setContentType("application/json");
                response.getOutputStream().write(("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,"
                        + "\"message\":\"Forbidden: Origin is not allowed\"}}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            response.setHeader("Access-Control-Allow-Origin", allowed);
            response.setHeader("Access-Control-Allow-Methods", String.join(", ", cors.getAllowedMethods()));
            String headers = request.getHeader("Access-Control-Request-Headers");
            if (headers != null) {
                response.setHeader("Access-Control-Allow-Headers", headers);
            }
            response.setHeader("Access-Control-Max-Age", String.valueOf(cors.getMaxAge()));
            response.setStatus(200);
            return;
        }
        if (allowed != null) {
            response.setHeader("Access-Control-Allow-Origin", allowed);
            response.setHeader("Access-Control-Expose-Headers", String.join(", ", cors.getExposedHeaders()));
        }
        chain.doFilter(request, response);
    }
}
