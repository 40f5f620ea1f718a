package io.presence.node.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * Nodes in this JVM ({@link TestCluster}) and the clients a test logs in on them ({@link Clients}):
 * the fixture of the in-JVM cluster tests, registered with {@code @RegisterExtension}. On a static
 * field the nodes live for the test class and the clients are closed after each test; on an
 * instance field both live for one test. Made with a size, the nodes start by themselves; made
 * with {@link #startedByTheTest()}, the test (or its {@code @BeforeAll}) starts them with the
 * settings it needs, and they are closed all the same.
 */
public final class InJvmNodes implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final int size;
    private final Map<String, String> settings;
    private boolean perClass;
    private TestCluster cluster;
    private Clients clients;

    private InJvmNodes(int size, Map<String, String> settings) {
        this.size = size;
        this.settings = settings;
    }

    public static InJvmNodes of(int size) {
        return of(size, Map.of());
    }

    /** {@code size} nodes with these settings (keys as in node.properties). */
    public static InJvmNodes of(int size, Map<String, String> settings) {
        return new InJvmNodes(size, settings);
    }

    /** Nodes that the test starts itself, with {@link #start}. */
    public static InJvmNodes startedByTheTest() {
        return new InJvmNodes(0, Map.of());
    }

    public TestCluster start(int nodes) {
        return start(nodes, Map.of());
    }

    /** Starts the nodes; at most once per class (static field) or per test (instance field). */
    public TestCluster start(int nodes, Map<String, String> nodeSettings) {
        if (cluster != null) {
            throw new IllegalStateException("the nodes are started already");
        }
        cluster = TestCluster.start(nodes, nodeSettings);
        clients = new Clients(cluster);
        return cluster;
    }

    public TestCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("no nodes started");
        }
        return cluster;
    }

    public Clients clients() {
        cluster();
        return clients;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        if (size > 0) {
            start(size, settings);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass && size > 0) {
            start(size, settings);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perClass) {
            if (clients != null) {
                clients.closeAll();
            }
        } else {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /**
     * Closes the clients, then the nodes; called after the test anyway. A test calls it first when
     * something the nodes talk to (a webhook receiver) must outlive them. The clients go first: a
     * client of a stopped node would wait out its close handshake.
     */
    public void close() {
        if (clients != null) {
            clients.close();
            clients = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
