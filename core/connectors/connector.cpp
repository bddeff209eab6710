#include "connectors/connector.h"

#include <memory>

namespace mdsync {

bool Connector::supportsBatch(std::string_view /*domain*/) const
{
    return false;
}

void Connector::sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done)
{
    if (deliveries.empty()) {
        done({});
        return;
    }
    struct Pending
    {
        std::vector<DeliveryOutcome> outcomes;
        size_t remaining = 0;
        BatchDone done;
    };
    auto state = std::make_shared<Pending>();
    state->outcomes.resize(deliveries.size());
    state->remaining = deliveries.size();
    state->done = std::move(done);
    for (size_t i = 0; i < deliveries.size(); ++i) {
        send(deliveries[i], [state, i](const DeliveryOutcome& outcome) {
            state->outcomes[i] = outcome;
            if (--state->remaining == 0)
                state->done(std::move(state->outcomes));
        });
    }
}

bool Connector::supportsReadBack(std::string_view /*domain*/) const
{
    return false;
}

// The virtual takes the callback by value (the overrides keep it until the answer); this default calls it at once.
// NOLINTBEGIN(performance-unnecessary-value-param)
void Connector::fetch(const std::string& domain, const std::vector<std::string>& /*keys*/,
    const std::vector<std::string>& /*fields*/, FetchDone done)
// NOLINTEND(performance-unnecessary-value-param)
{
    ReadBackResult r;
    r.ok = false;
    r.error = "this connector cannot read back " + domain + " records";
    done(std::move(r));
}

} // namespace mdsync
