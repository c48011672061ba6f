package io.camelmcp.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.camelmcp.gateway.session.Identity;

/**
 * The configured API keys. A presented key is compared with every configured one, each by its SHA-256 digest with
 * {@link MessageDigest#isEqual} (constant time) and without stopping at a match, so neither the time taken nor its
 * variation tells how much of a key was right or which key it was.
 */
public final class ApiKeyRing {

    private final byte[][] digests;
    private final Identity[] identities;

    public ApiKeyRing(List<SecurityProperties.ApiKey> keys) {
        digests = new byte[keys.size()][];
        identities = new Identity[keys.size()];
        Set<String> names = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            SecurityProperties.ApiKey k = keys.get(i);
            String where = "mcp.gateway.security.api-keys[" + i + "]";
            if (!SecurityProperties.hasText(k.getName())) {
                throw new IllegalArgumentException(where + ".name is required: it names the key's holder");
            }
            if (!SecurityProperties.hasText(k.getKey()) || k.getKey().length() < 16) {
                throw new IllegalArgumentException(where + ".key must be a secret of at least 16 characters");
            }
            if (!names.add(k.getName())) {
                throw new IllegalArgumentException(where + ".name '" + k.getName() + "' is used by another key");
            }
            if (!seen.add(k.getKey())) {
                throw new IllegalArgumentException(where + ".key is the same as another key's");
            }
            digests[i] = sha256(k.getKey());
            identities[i] = new Identity(Identity.API_KEY, k.getName(), null, new HashSet<>(k.getScopes()), Set.of(),
                    Map.of(), null);
        }
    }

    public boolean isEmpty() {
        return digests.length == 0;
    }

    /** The identity of the key presented, or null. */
    public Identity match(String presented) {
        if (presented == null || digests.length == 0) {
            return null;
        }
        byte[] digest = sha256(presented);
        Identity found = null;
        for (int i = 0; i < digests.length; i++) {
            if (MessageDigest.isEqual(digests[i], digest)) {
                found = identities[i];
            }
        }
        return found;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
