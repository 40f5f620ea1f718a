package io.presence.node.config;

import java.util.List;
import java.util.Optional;

/**
 * How logins are decided: strategies tried in order, the first to know the user decides.
 *
 * @param strategies {@code none}, {@code file}, {@code http}, {@code jwt}, in the order tried
 * @param failures   how many refused logins an address or a username may have before it is slowed
 */
public record AuthSettings(List<String> strategies, FileAuth file, HttpAuth http, JwtAuth jwt, Failures failures) {

    public static final List<String> KNOWN = List.of("none", "file", "http", "jwt");

    public AuthSettings {
        strategies = List.copyOf(strategies);
    }

    /**
     * deepstream's users.yml: per user a PBKDF2 password hash, clientData and serverData.
     * {@code maxQueuedHashes}: password checks waiting for the hashing threads; past it a login
     * is told to try again.
     */
    public record FileAuth(Optional<String> users, String hash, int iterations, int keyLength, int maxQueuedHashes) {
    }

    /**
     * Refused logins counted over a window of {@code windowMillis}: an address with
     * {@code perAddress} of them is refused until its window ends; a username with
     * {@code perUsername} has each further login checked only after a second's delay, so that a
     * stranger guessing passwords slows the user down but cannot lock it out.
     */
    public record Failures(int perAddress, int perUsername, long windowMillis) {
    }

    /** A webhook asked about every login. */
    public record HttpAuth(Optional<String> url, List<Integer> permittedStatus, long timeoutMillis,
                           List<Integer> retryStatus, int retryAttempts, long retryIntervalMillis,
                           List<String> promoteToHeader, int maxPending) {

        public HttpAuth {
            permittedStatus = List.copyOf(permittedStatus);
            retryStatus = List.copyOf(retryStatus);
            promoteToHeader = List.copyOf(promoteToHeader);
        }
    }

    /**
     * A signed token in the auth data: HS256/384/512 with a shared secret, or RS256 or ES256 with a
     * public key (PEM).
     */
    public record JwtAuth(String algorithm, Optional<String> secret, Optional<String> publicKey, String tokenField,
                          String idClaim, Optional<String> serverDataClaim, Optional<String> clientDataClaim,
                          Optional<String> issuer, Optional<String> audience) {
    }
}
