package newsroom.opensearch;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A real OpenSearch node built from the Maven Central jars, for development and tests.
 *
 * <p>Usage: {@code java -cp 'target/classes:target/lib/*' newsroom.opensearch.LocalNode key=value ...}
 * where every argument is an OpenSearch setting (path.home, path.data, http.port, ...). The Python
 * side (devenv/opensearch.py) chooses the settings, so single-node and cluster layouts need no Java
 * change. The distribution's Bootstrap (root check, security manager, jar hell) is not used, so the
 * node runs as root in CI.
 */
public final class LocalNode extends Node {

    /** The modules a Wagtail news site needs; classpath plugins need no descriptor files. */
    private static final List<Class<? extends Plugin>> MODULES = List.of(
        org.opensearch.transport.Netty4Plugin.class,
        org.opensearch.analysis.common.CommonAnalysisPlugin.class,
        org.opensearch.index.mapper.MapperExtrasPlugin.class,
        org.opensearch.index.reindex.ReindexPlugin.class,
        org.opensearch.painless.PainlessPlugin.class,
        org.opensearch.index.rankeval.RankEvalPlugin.class
    );

    private LocalNode(Environment environment) {
        super(environment, MODULES, true);
    }

    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
        // The stock listener sets a static SetOnce; we never need the node/cluster id in log lines.
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("expected key=value, got: " + arg);
                System.exit(2);
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            // Comma-separated values become list settings (discovery.seed_hosts, node.roles, ...).
            if (value.contains(",")) {
                builder.putList(key, value.split(","));
            } else {
                builder.put(key, value);
            }
        }
        Settings settings = builder.build();
        String nodeName = settings.get("node.name", "newsroom-dev");
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, java.util.Map.of(), null, () -> nodeName);

        LocalNode node = new LocalNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "newsroom-node-shutdown"));

        node.start();
        System.out.println("newsroom: node " + nodeName + " started");
        // The node starts no non-daemon thread: keep the JVM alive until SIGTERM/SIGINT.
        stopped.await();
    }
}
