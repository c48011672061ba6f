package io.camelmcp.gateway.federation;

/**
 * Which items of the merged catalogue one request may see, asked per item while a page is cut (so pages and cursors
 * count only what is shown). Put in the exchange property {@link io.camelmcp.gateway.exchange.McpExchange#CATALOG_FILTER}
 * by a step before {@code mcpCatalog.page} (the authorization rules); none there: everything is shown. A type of the
 * catalogue's own, so that federation knows nothing of who decides.
 */
@FunctionalInterface
public interface CatalogFilter {

    /**
     * @param kind   the list the item is in
     * @param server the name of the server it belongs to
     * @param key    the name (tools, prompts) or URI (resources, templates) clients know it by: prefixed, gateway URIs
     */
    boolean shows(ListKind kind, String server, String key);
}
