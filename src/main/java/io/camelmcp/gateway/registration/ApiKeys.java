package io.camelmcp.gateway.registration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys of {@code mcp.gateway.registration.api-keys}, kept as SHA-256 digests and compared in constant time
 * (every key is compared, whichever matches): how long a wrong key takes says nothing about the right ones.
 */
public final class ApiKeys {

    private final List<byte[]> digests;

    public ApiKeys(List<String> keys) {
        this.digests = keys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::sha256).toList();
    }

    /** Whether any key is configured: the API is off without one. */
    public boolean enabled() {
        return !digests.isEmpty();
    }

    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] d = sha256(presented);
        boolean match = false;
        for (byte[] key : digests) {
            match |= MessageDigest.isEqual(key, d);
        }
        return match;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    static String sha256Hex(String s) {
        return HexFormat.of().formatHex(sha256(s));
    }
}
