package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import io.presence.protocol.JsonText;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code jwt} strategy: a signed token in the auth data (field {@code token} by default),
 * verified with a shared secret (HS256/384/512) or a public key (RS256, ES256); its expiry and
 * not-before are checked, and its issuer and audience when configured. The user's id comes from a
 * claim ({@code sub} by default), server and client data from others. A login without a token is
 * passed on.
 */
final class JwtStrategy implements Authenticator {

    private final JWTAuth verifier;
    private final AuthSettings.JwtAuth settings;

    JwtStrategy(Vertx vertx, AuthSettings.JwtAuth settings) {
        this.settings = settings;
        String key = settings.algorithm().startsWith("HS") ? settings.secret().orElseThrow() : read(settings.publicKey().orElseThrow());
        JWTOptions checks = new JWTOptions();
        settings.issuer().ifPresent(checks::setIssuer);
        settings.audience().ifPresent(a -> checks.setAudience(List.of(a)));
        this.verifier = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(settings.algorithm()).setBuffer(key))
                .setJWTOptions(checks));
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the public key " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<LoginOutcome> authenticate(LoginRequest request) {
        String token = request.text(settings.tokenField());
        if (token == null) {
            return CompletableFuture.completedFuture(new LoginOutcome.Unknown(
                    JsonText.write(Map.of("error", "missing authentication parameter: " + settings.tokenField()))));
        }
        CompletableFuture<LoginOutcome> outcome = new CompletableFuture<>();
        verifier.authenticate(new TokenCredentials(token)).onComplete(result -> {
            if (result.failed()) {
                outcome.complete(new LoginOutcome.Refused(JsonText.write(Map.of("error", "invalid token: " + result.cause().getMessage()))));
                return;
            }
            JsonObject claims = result.result().principal();
            Object id = claims.getValue(settings.idClaim());
            outcome.complete(new LoginOutcome.Accepted(id == null ? null : id.toString(),
                    claim(claims, settings.clientDataClaim().orElse(null)), claim(claims, settings.serverDataClaim().orElse(null))));
        });
        return outcome;
    }

    private static String claim(JsonObject claims, String name) {
        Object value = name == null ? null : claims.getValue(name);
        return value == null ? null : Json.encode(value);
    }
}
