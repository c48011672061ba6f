package io.camelmcp.gateway.federation;

/**
 * Tool names as the gateway exposes them: prefix + upstream name, which must stay within the spec's
 * rules (1 to 128 characters of A-Z a-z 0-9 _ - .), or the tool is not exposed at all.
 */
public final class ToolNames {

    public static final int MAX_LENGTH = 128;

    private ToolNames() {}

    public static boolean isValid(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The gateway name of an upstream tool, or null when it cannot be exposed validly. */
    public static String exposed(String prefix, String upstreamName) {
        if (upstreamName == null || upstreamName.isEmpty()) {
            return null;
        }
        String name = prefix.isEmpty() ? upstreamName : prefix + upstreamName;
        return isValid(name) ? name : null;
    }
}
