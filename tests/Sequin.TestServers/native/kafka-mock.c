/*
 * A Kafka-protocol mock cluster for Sequin's tests, built on librdkafka's rd_kafka_mock API.
 *
 *   kafka-mock [brokers]
 *
 * Prints "BOOTSTRAP <host:port,...>" once the cluster listens (127.0.0.1, ephemeral ports), then reads commands,
 * one per line, on stdin and answers each with "OK" or "ERR <reason>":
 *   down [broker_id]          disconnect a broker (all when omitted) and refuse new connections
 *   up [broker_id]            accept connections again
 *   topic <name> <partitions> create a topic (auto-created topics get the default partition count)
 *   error <api_key> <code> <count>   make the next <count> requests of an API fail with an error code
 *   quit                      stop (so does end of input and SIGTERM)
 * Compiled by KafkaMockBroker: gcc -O2 -o kafka-mock kafka-mock.c -lrdkafka -include stdlib.h
 */
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static int broker_count = 1;

extern int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/*
 * Real brokers disable Nagle's algorithm on their connections; the mock does not, so a second small response waits
 * for the client's delayed ACK (about 40 ms) and any batch spanning partitions looks 40 ms slow. The mock accepts
 * connections with accept(), which this definition replaces for librdkafka, to set TCP_NODELAY as a broker does.
 */
int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    int one = 1;
    int s = accept4(fd, addr, len, 0);
    if (s >= 0) setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return s;
}

static void set_brokers(rd_kafka_mock_cluster_t *mcluster, int id, int up) {
    int i;
    for (i = 1; i <= broker_count; i++) {
        if (id < 0 || id == i) {
            if (up) rd_kafka_mock_broker_set_up(mcluster, i);
            else rd_kafka_mock_broker_set_down(mcluster, i);
        }
    }
}

int main(int argc, char **argv) {
    char errstr[512];
    char line[1024];
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    rd_kafka_mock_cluster_t *mcluster;

    signal(SIGPIPE, SIG_IGN);
    if (argc > 1) broker_count = atoi(argv[1]);
    if (broker_count < 1) broker_count = 1;

    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof(errstr));
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stdout, "ERR %s\n", errstr);
        return 1;
    }

    mcluster = rd_kafka_mock_cluster_new(rk, broker_count);
    if (!mcluster) {
        fprintf(stdout, "ERR could not create the mock cluster\n");
        return 1;
    }

    fprintf(stdout, "BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
    fflush(stdout);

    while (fgets(line, sizeof(line), stdin)) {
        char cmd[64] = {0}, name[512] = {0};
        int a = -1, b = 0, c = 1;
        int n = sscanf(line, "%63s", cmd);
        if (n != 1) continue;
        if (!strcmp(cmd, "quit")) break;
        if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
            sscanf(line, "%*s %d", &a);
            set_brokers(mcluster, a, !strcmp(cmd, "up"));
            fprintf(stdout, "OK\n");
        } else if (!strcmp(cmd, "topic")) {
            if (sscanf(line, "%*s %511s %d", name, &b) != 2 || b < 1) {
                fprintf(stdout, "ERR usage: topic <name> <partitions>\n");
            } else {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, name, b, broker_count < 3 ? broker_count : 3);
                if (err) fprintf(stdout, "ERR %s\n", rd_kafka_err2str(err));
                else fprintf(stdout, "OK\n");
            }
        } else if (!strcmp(cmd, "error")) {
            if (sscanf(line, "%*s %d %d %d", &a, &b, &c) != 3 || a < 0 || c < 1) {
                fprintf(stdout, "ERR usage: error <api_key> <code> <count>\n");
            } else {
                int i;
                rd_kafka_resp_err_t *errs = calloc((size_t)c, sizeof(*errs));
                for (i = 0; i < c; i++) errs[i] = (rd_kafka_resp_err_t)b;
                rd_kafka_mock_push_request_errors_array(mcluster, (int16_t)a, (size_t)c, errs);
                free(errs);
                fprintf(stdout, "OK\n");
            }
        } else {
            fprintf(stdout, "ERR unknown command %s\n", cmd);
        }
        fflush(stdout);
    }

    rd_kafka_mock_cluster_destroy(mcluster);
    rd_kafka_destroy(rk);
    return 0;
}
