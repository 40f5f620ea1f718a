package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import io.presence.node.internal.login.UsernameLimit;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens signed here with a real key, checked by the strategy as a login would be. */
@Tag("in-jvm")
class JwtStrategyTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static AuthSettings.JwtAuth settings(String algorithm, Optional<String> secret, Optional<String> publicKey) {
        return new AuthSettings.JwtAuth(algorithm, secret, publicKey, "token", "sub", Optional.of("data"),
                Optional.of("profile"), Optional.empty(), Optional.empty());
    }

    private JWTAuth signer(String algorithm, String key) {
        return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key)));
    }

    private static LoginOutcome login(JwtStrategy strategy, String token) throws Exception {
        Map<String, Object> authData = token == null ? Map.of() : Map.of("token", token);
        return strategy.authenticate(new LoginRequest(authData, null, null, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aValidTokenGivesTheIdentityAndDataFromItsClaims() throws Exception {
        JwtStrategy strategy = new JwtStrategy(vertx, settings("HS256", Optional.of(SECRET), Optional.empty()));
        String token = signer("HS256", SECRET).generateToken(new JsonObject().put("sub", "alice")
                .put("data", new JsonObject().put("role", "admin")).put("profile", new JsonObject().put("theme", "dark")),
                new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60));
        LoginOutcome.Accepted accepted = assertInstanceOf(LoginOutcome.Accepted.class, login(strategy, token));
        assertEquals("alice", accepted.username());
        assertEquals("{\"role\":\"admin\"}", accepted.serverData());
        assertEquals("{\"theme\":\"dark\"}", accepted.clientData());
    }

    @Test
    void anIdentityLongerThanAUsernameIsRefusedWhateverTheStrategy() throws Exception {
        AuthSettings jwtOnly = new AuthSettings(java.util.List.of("jwt"),
                new AuthSettings.FileAuth(Optional.empty(), "none", 1, 32, 16), null,
                settings("HS256", Optional.of(SECRET), Optional.empty()), new AuthSettings.Failures(50, 10, 60_000));
        try (Authentication authentication = new Authentication(jwtOnly, new UsernameLimit(16), vertx)) {
            JWTOptions hs256 = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60);
            String fits = signer("HS256", SECRET).generateToken(new JsonObject().put("sub", "s".repeat(16)), hs256);
            String tooLong = signer("HS256", SECRET).generateToken(new JsonObject().put("sub", "s".repeat(17)), hs256);
            assertInstanceOf(LoginOutcome.Accepted.class, authentication.authenticator()
                    .authenticate(new LoginRequest(Map.of("token", fits), null, null, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS));
            LoginOutcome refused = authentication.authenticator()
                    .authenticate(new LoginRequest(Map.of("token", tooLong), null, null, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertInstanceOf(LoginOutcome.Refused.class, refused);
            assertTrue(((LoginOutcome.Refused) refused).clientData().contains("at most 16 characters"), refused.toString());
        }
    }

    @Test
    void expiredNotYetValidAndForeignTokensAreRefusedAndNoTokenIsPassedOn() throws Exception {
        JwtStrategy strategy = new JwtStrategy(vertx, settings("HS256", Optional.of(SECRET), Optional.empty()));
        JWTAuth signer = signer("HS256", SECRET);
        JWTOptions hs256 = new JWTOptions().setAlgorithm("HS256");
        String expired = signer.generateToken(new JsonObject().put("sub", "a").put("exp", now() - 60), hs256);
        String early = signer.generateToken(new JsonObject().put("sub", "a").put("nbf", now() + 600), hs256);
        String foreign = signer("HS256", SECRET.replace('a', 'b')).generateToken(new JsonObject().put("sub", "a"), hs256);

        for (String token : new String[] {expired, early, foreign, "not.a.token"}) {
            LoginOutcome.Refused refused = assertInstanceOf(LoginOutcome.Refused.class, login(strategy, token));
            assertTrue(refused.clientData().contains("invalid token"), refused.clientData());
        }
        assertInstanceOf(LoginOutcome.Unknown.class, login(strategy, null));
    }

    @Test
    void rs256AndEs256TokensAreCheckedWithThePublicKeyFile() throws Exception {
        checkPublicKey("RS256", "RSA", null);
        checkPublicKey("ES256", "EC", new ECGenParameterSpec("secp256r1"));
    }

    private void checkPublicKey(String algorithm, String keyType, ECGenParameterSpec curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyType);
        if (curve != null) {
            generator.initialize(curve);
        } else {
            generator.initialize(2048);
        }
        KeyPair pair = generator.generateKeyPair();
        Path publicKey = Files.writeString(dir.resolve(algorithm + ".pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        JwtStrategy strategy = new JwtStrategy(vertx, settings(algorithm, Optional.empty(), Optional.of(publicKey.toString())));

        String token = signer(algorithm, pem("PRIVATE KEY", pair.getPrivate().getEncoded()))
                .generateToken(new JsonObject().put("sub", "signed-" + algorithm), new JWTOptions().setAlgorithm(algorithm));
        assertEquals("signed-" + algorithm, assertInstanceOf(LoginOutcome.Accepted.class, login(strategy, token)).username());

        KeyPair other = generator.generateKeyPair();
        String forged = signer(algorithm, pem("PRIVATE KEY", other.getPrivate().getEncoded()))
                .generateToken(new JsonObject().put("sub", "mallory"), new JWTOptions().setAlgorithm(algorithm));
        assertInstanceOf(LoginOutcome.Refused.class, login(strategy, forged));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
