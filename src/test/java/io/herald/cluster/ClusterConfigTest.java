package io.herald.cluster;

import io.herald.Config;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several nodes from one cluster.xml: the environment sets the members and this member's port over the file. */
class ClusterConfigTest {

  @Test
  void withoutSettingsTheFileDecides() throws Exception {
    ClusterConfig cluster = ClusterConfig.from(Config.load(Map.of()).getJsonObject("cluster"));
    assertFalse(cluster.enabled());
    var hazelcast = cluster.hazelcast();
    assertEquals(5701, hazelcast.getNetworkConfig().getPort());
    assertTrue(hazelcast.getNetworkConfig().isPortAutoIncrement());
    assertEquals(List.of("127.0.0.1"), hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertTrue(hazelcast.getNetworkConfig().getInterfaces().isEnabled());
  }

  @Test
  void theEnvironmentSetsMembersAndPortSoThreeNodesOnOneMachineNeedNoFileEdits() throws Exception {
    ClusterConfig cluster = ClusterConfig.from(Config.load(Map.of("HERALD_CLUSTER", "true",
        "HERALD_CLUSTER_MEMBERS", "127.0.0.1:5801, 127.0.0.1:5802,127.0.0.1:5803", "HERALD_CLUSTER_PORT", "5802"))
        .getJsonObject("cluster"));
    assertTrue(cluster.enabled());
    var network = cluster.hazelcast().getNetworkConfig();
    assertEquals(5802, network.getPort());
    assertFalse(network.isPortAutoIncrement(), "this member's port, as given");
    assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802", "127.0.0.1:5803"), network.getJoin().getTcpIpConfig().getMembers());
    assertTrue(network.getInterfaces().isEnabled(), "all on loopback: still bound to it");

    var machines = ClusterConfig.from(new JsonObject().put("enabled", true).put("members", "10.0.0.1,10.0.0.2:5701"))
        .hazelcast().getNetworkConfig();
    assertFalse(machines.getInterfaces().isEnabled(), "members on other machines: not bound to loopback");
  }

  @Test
  void badMembersOrPortsAreRefusedByName() {
    IllegalArgumentException members = assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.from(new JsonObject().put("members", "a b")));
    assertTrue(members.getMessage().contains("cluster.members"), members.getMessage());
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.from(new JsonObject().put("port", "70000")));
    assertTrue(port.getMessage().contains("'port'"), port.getMessage());
  }
}
