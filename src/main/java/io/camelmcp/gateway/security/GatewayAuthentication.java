package io.camelmcp.gateway.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import io.camelmcp.gateway.session.Identity;

/**
 * An authenticated request, by JWT or API key alike: its {@link Identity}, and a {@code SCOPE_x} authority per scope
 * (Spring Security's naming, so {@code hasAuthority("SCOPE_mcp:admin")} and the actuator's roles read both kinds).
 */
public final class GatewayAuthentication extends AbstractAuthenticationToken {

    private final Identity identity;

    public GatewayAuthentication(Identity identity) {
        super(authorities(identity));
        this.identity = identity;
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(Identity identity) {
        List<GrantedAuthority> all = new ArrayList<>();
        identity.scopes().forEach(s -> all.add(new SimpleGrantedAuthority("SCOPE_" + s)));
        return all;
    }

    public Identity identity() {
        return identity;
    }

    @Override
    public Object getCredentials() {
        return null; // the token stays out of the security context's toString and events
    }

    @Override
    public Object getPrincipal() {
        return identity;
    }

    @Override
    public String getName() {
        return identity.name();
    }
}
