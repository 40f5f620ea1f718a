package io.presence.node.internal.auth;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class StrategyChainTest {

    private final List<String> asked = new ArrayList<>();

    private Authenticator answering(String name, LoginOutcome outcome) {
        return request -> {
            asked.add(name);
            return CompletableFuture.completedFuture(outcome);
        };
    }

    private LoginOutcome login(StrategyChain chain) {
        return chain.authenticate(new LoginRequest(Map.of("username", "x"), null, null, Map.of())).toCompletableFuture().join();
    }

    @Test
    void theFirstStrategyThatKnowsTheUserDecidesAndTheRestAreNotAsked() {
        LoginOutcome refused = new LoginOutcome.Refused("{\"error\":\"no\"}");
        StrategyChain chain = new StrategyChain(List.of(
                answering("file", new LoginOutcome.Unknown("{\"error\":\"unknown\"}")),
                answering("http", refused),
                answering("none", new LoginOutcome.Accepted("x", null))));
        assertEquals(refused, login(chain));
        assertEquals(List.of("file", "http"), asked);
    }

    @Test
    void whenNoStrategyKnowsTheUserTheLastReasonRefuses() {
        StrategyChain chain = new StrategyChain(List.of(
                answering("file", new LoginOutcome.Unknown("{\"error\":\"first\"}")),
                answering("jwt", new LoginOutcome.Unknown("{\"error\":\"last\"}"))));
        assertEquals(new LoginOutcome.Refused("{\"error\":\"last\"}"), login(chain));
    }
}
