package io.presence.node.internal.transport;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.session.CloseCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts each HTTP API request in progress as a connection from its address, against the same
 * limits as WebSocket connections ({@link Admission}): one address cannot keep more requests
 * waiting (on a login, say) than it may hold connections. Refused: 429, or 503 when the node is full.
 */
final class ApiAdmission {

    private final Admission admission;
    private final ClientAddress clientAddress;
    private final NodeMetrics metrics;

    ApiAdmission(Admission admission, ClientAddress clientAddress, NodeMetrics metrics) {
        this.admission = admission;
        this.clientAddress = clientAddress;
        this.metrics = metrics;
    }

    /** A route handler: admits the request until it ends, or answers the refusal. */
    void admit(RoutingContext ctx) {
        String address = clientAddress.of(ctx.request());
        Admission.Refusal refusal = admission.admit(address);
        if (refusal != null) {
            metrics.limitHit(refusal.limit());
            ctx.response().setStatusCode(refusal.closeCode() == CloseCode.TRY_AGAIN_LATER ? 503 : 429)
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(new JsonObject().put("error", refusal.reason()).encode());
            return;
        }
        ctx.addEndHandler(done -> admission.release(address));
        ctx.next();
    }
}
