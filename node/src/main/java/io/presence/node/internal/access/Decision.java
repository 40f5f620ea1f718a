package io.presence.node.internal.access;

/** What a rule made of one request for one name. */
public sealed interface Decision {

    Decision ALLOWED = new Allowed();
    Decision DENIED = new Denied();

    record Allowed() implements Decision {
    }

    record Denied() implements Decision {
    }

    /** The rule failed to evaluate (a missing property, a wrong type): deepstream's MESSAGE_PERMISSION_ERROR. */
    record Failed(String reason) implements Decision {
    }
}
