package io.herald.cluster;

import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.NetworkConfig;
import io.herald.Config;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cluster's slice of the configuration ({@code cluster}): whether the node joins one, the Hazelcast file
 * ({@code cluster.xml}), and what the environment may set over it so that several nodes run from one file:
 * {@code members} ({@code HERALD_CLUSTER_MEMBERS}, {@code host[:port]} separated by commas: the TCP-IP join list) and
 * {@code port} ({@code HERALD_CLUSTER_PORT}: this member's port, taken as it is rather than the first free one from
 * the file's).
 *
 * @param members empty: the file's
 * @param port    0: the file's
 */
public record ClusterConfig(boolean enabled, String file, List<String> members, int port) {

  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.-]+(:\\d{1,5})?");
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost");

  public static ClusterConfig from(JsonObject cluster) {
    List<String> members = new ArrayList<>();
    Object written = cluster.getValue("members");
    List<?> listed = written instanceof JsonArray a ? a.getList()
        : written instanceof String s && !s.isBlank() ? List.of(s.split(",")) : List.of();
    for (Object member : listed) {
      String m = String.valueOf(member).trim();
      if (!MEMBER.matcher(m).matches()) {
        throw new IllegalArgumentException("Setting 'cluster.members' must list host or host:port, separated by commas; '"
            + m + "' is neither");
      }
      members.add(m);
    }
    int port = cluster.getValue("port") == null ? 0 : Config.integer(cluster, "port", 1, 65535);
    return new ClusterConfig(Config.bool(cluster, "enabled"), cluster.getString("config", "cluster.xml"),
        List.copyOf(members), port);
  }

  /**
   * The Hazelcast configuration: the file, with the members and port set here over it. Members on other machines
   * also lift the file's binding to the loopback interface.
   *
   * @throws FileNotFoundException when there is no such file
   */
  public com.hazelcast.config.Config hazelcast() throws FileNotFoundException {
    com.hazelcast.config.Config config = new FileSystemXmlConfig(file);
    NetworkConfig network = config.getNetworkConfig();
    if (port > 0) {
      network.setPort(port).setPortAutoIncrement(false);
    }
    if (!members.isEmpty()) {
      network.getJoin().getMulticastConfig().setEnabled(false);
      network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(members);
      if (members.stream().anyMatch(m -> !LOOPBACK.contains(m.split(":")[0]))) {
        network.getInterfaces().setEnabled(false);
      }
    }
    return config;
  }
}
