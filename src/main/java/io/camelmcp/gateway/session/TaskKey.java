package io.camelmcp.gateway.session;

/**
 * A task by its id in the client's session, or for a stateless client in its identity's ({@code identity:<key>}):
 * task ids are unique per server, not across. A plain record, written as JSON.
 */
public record TaskKey(String sessionId, String taskId) {}
