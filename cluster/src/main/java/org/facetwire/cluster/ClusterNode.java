package org.facetwire.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One node of Facetwire's local OpenSearch test cluster, in its own JVM.
 *
 * <p>The OpenSearch distribution starts a node through its Bootstrap class, which refuses to run
 * as root, wants a full install layout (modules/, plugins/, bin/) and installs native hooks. This
 * launcher builds the {@link Node} directly instead, with the modules the project needs loaded
 * from the classpath as plugins: transport-netty4 (HTTP and the transport between nodes) and
 * analysis-common (stemmer, porter_stem, asciifolding, lowercase ...). No security manager is
 * installed.
 *
 * <pre>
 * java -cp 'cluster/target/lib/*:cluster/target/classes' org.facetwire.cluster.ClusterNode \
 *     --node 0 --nodes 3 --dir cluster/work [-Esetting=value ...]
 * </pre>
 *
 * Node i gets node.name node-i, http.port 19200+i, transport.port 19300+i and its files under
 * DIR/node-i (config/, data/, logs/). Any -E setting overrides the computed ones.
 */
public final class ClusterNode extends Node {

    public static final String CLUSTER_NAME = "facetwire-test";
    public static final int HTTP_BASE_PORT = 19200;
    public static final int TRANSPORT_BASE_PORT = 19300;

    private static final Collection<Class<? extends Plugin>> PLUGINS = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    private ClusterNode(Environment environment) {
        // true: forbid private index settings, as a node of the distribution does
        super(environment, PLUGINS, true);
    }

    /** The settings of node {@code index} of a cluster of {@code count} nodes whose files live under {@code home}. */
    static Settings nodeSettings(int index, int count, Path home, Settings overrides) {
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add("127.0.0.1:" + (TRANSPORT_BASE_PORT + i));
            names.add("node-" + i);
        }
        return Settings.builder()
            .put("cluster.name", CLUSTER_NAME)
            .put("node.name", "node-" + index)
            .put("network.host", "127.0.0.1")
            .put("http.port", HTTP_BASE_PORT + index)
            .put("transport.port", TRANSPORT_BASE_PORT + index)
            .putList("discovery.seed_hosts", seeds)
            .putList("cluster.initial_cluster_manager_nodes", names)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            // a test machine's disk may be fuller than the production watermarks allow
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // no native hooks are installed without Bootstrap: say so, so no check expects them
            .put("bootstrap.memory_lock", false)
            .put("bootstrap.system_call_filter", false)
            // small heaps without pre-touch: the real-memory parent breaker would trip on garbage
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.auto_create_index", true)
            .put(overrides)
            .build();
    }

    public static void main(String[] args) throws Exception {
        int index = 0;
        int count = 3;
        Path dir = Path.of("cluster", "work");
        Settings.Builder overrides = Settings.builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--node") && i + 1 < args.length) {
                index = Integer.parseInt(args[++i]);
            } else if (arg.equals("--nodes") && i + 1 < args.length) {
                count = Integer.parseInt(args[++i]);
            } else if (arg.equals("--dir") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else if (arg.startsWith("-E") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                overrides.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                System.err.println("usage: ClusterNode [--node I] [--nodes N] [--dir DIR] [-Ekey=value ...]; unknown: " + arg);
                System.exit(2);
            }
        }
        if (count < 1 || index < 0 || index >= count) {
            System.err.println("ClusterNode: need 0 <= node < nodes, got node " + index + " of " + count);
            System.exit(2);
        }

        Path home = dir.toAbsolutePath().normalize().resolve("node-" + index);
        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(home.resolve("logs"));
        try (InputStream in = ClusterNode.class.getResourceAsStream("/log4j2.properties")) {
            Files.copy(in, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }

        Settings settings = nodeSettings(index, count, home, overrides.build());
        String nodeName = settings.get("node.name");
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), config, () -> nodeName);

        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configure(environment);
        Logger logger = LogManager.getLogger(ClusterNode.class);

        CountDownLatch stopped = new CountDownLatch(1);
        ClusterNode node;
        try {
            node = new ClusterNode(environment);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                logger.info("stopping {}", nodeName);
                try {
                    node.close();
                    if (node.awaitClose(20, TimeUnit.SECONDS) == false) {
                        logger.warn("{} did not close within 20s", nodeName);
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    logger.warn("error while stopping " + nodeName, e);
                } finally {
                    stopped.countDown();
                    Configurator.shutdown((LoggerContext) LogManager.getContext(false));
                }
            }, "facetwire-cluster-shutdown"));
            node.start();
        } catch (Exception | Error e) {
            logger.error("could not start " + nodeName, e);
            System.err.println("ClusterNode " + nodeName + " failed to start: " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
            return;
        }
        logger.info("{} started: http 127.0.0.1:{}", nodeName, settings.get("http.port"));
        System.out.println("ClusterNode " + nodeName + " started, http " + settings.get("network.host") + ":" + settings.get("http.port"));
        // OpenSearch's own threads are daemons: keep the JVM alive until a signal runs the hook above.
        stopped.await();
    }
}
