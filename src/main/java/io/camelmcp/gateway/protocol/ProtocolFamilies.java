package io.camelmcp.gateway.protocol;

import java.util.ArrayList;
import java.util.List;

/** The families of revisions the gateway speaks, and which one a version belongs to. */
public final class ProtocolFamilies {

    /** What this gateway speaks on /mcp. */
    public static final ProtocolFamilies SUPPORTED = new ProtocolFamilies(List.of(new StatelessFamily(), new SessionFamily()),
            McpVersions.DEFAULT_WITHOUT_HEADER);

    private final List<ProtocolFamily> families;
    private final String withoutHeader;

    /** @param withoutHeader the revision assumed for a request without MCP-Protocol-Version (initialize, 2025-03-26) */
    public ProtocolFamilies(List<ProtocolFamily> families, String withoutHeader) {
        this.families = List.copyOf(families);
        this.withoutHeader = withoutHeader;
    }

    /** The family of a revision, or null when the gateway speaks none with it. */
    public ProtocolFamily of(String version) {
        for (ProtocolFamily f : families) {
            if (f.speaks(version)) {
                return f;
            }
        }
        return null;
    }

    /** The family of a request without an MCP-Protocol-Version header. */
    public ProtocolFamily withoutHeader() {
        return of(withoutHeader);
    }

    /** Every revision spoken, for error messages. */
    public List<String> versions() {
        List<String> out = new ArrayList<>();
        families.forEach(f -> out.addAll(f.versions()));
        return out;
    }
}
