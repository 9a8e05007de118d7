package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A broker's registration: id, the endpoint clients connect to, and its rack (or {@code null}). Stored as the JSON
 * data of the ephemeral znode {@code /brokers/ids/<id>}: {@code {"version":1,"host":"h","port":9092,"rack":null}}.
 * Immutable.
 *
 * @param id   broker.id.
 * @param host the advertised host.
 * @param port the advertised port.
 * @param rack broker.rack, or {@code null}.
 */
public record BrokerInfo(int id, String host, int port, String rack) {
    byte[] toJson() {
        return ("{\"version\":1,\"host\":" + Json.quote(host) + ",\"port\":" + port + ",\"rack\":"
            + (rack == null ? "null" : Json.quote(rack)) + "}").getBytes(StandardCharsets.UTF_8);
    }

    static BrokerInfo fromJson(final int id, final byte[] data) {
        final Map<String, Object> json = Json.parseObject(data);
        final Object host = json.get("host");
        final Object rack = json.get("rack");
        return new BrokerInfo(id, host == null ? null : host.toString(), Json.intField(json, "port"),
            rack == null ? null : rack.toString());
    }
}
