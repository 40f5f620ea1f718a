package io.presence.node.internal.session;

import java.util.List;

/**
 * A getAll() answer: the users online in one snapshot of this node's view, less the asker.
 *
 * @param snapshot tells snapshots apart within the process, so that a transport may encode the
 *                 names once and answer every asker of the same snapshot from that
 * @param excluded the asker's position in {@code names}, or -1 when it is not among them
 */
public record OnlineAnswer(String correlationId, long snapshot, List<String> names, int excluded) {
}
