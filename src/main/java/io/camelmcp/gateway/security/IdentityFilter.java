package io.camelmcp.gateway.security;

import java.io.IOException;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.camelmcp.gateway.session.Identity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Leaves the authenticated identity on the request ({@link Identity#ATTRIBUTE}), where the MCP endpoint's binding
 * picks it up: the routes read an exchange property, not Spring Security's thread-local context.
 */
public final class IdentityFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof GatewayAuthentication g) {
            request.setAttribute(Identity.ATTRIBUTE, g.identity());
        }
        chain.doFilter(request, response);
    }
}
