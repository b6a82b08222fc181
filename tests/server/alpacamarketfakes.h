#pragma once

// Alpaca for a server test, played by the local fakes: the Broker API, the market-data stream and the
// market-data REST API, all accepting the Broker API's keys (as Alpaca's sandbox does; HTTP Basic on data).

#include "fakes/data/fakealpacadata.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/stream/fakealpacastream.h"
#include "serverfixture.h"

#include <memory>

namespace clera::test {

class AlpacaMarketFakes
{
protected:
    [[nodiscard]] bool listenFakes()
    {
        if (m_rest.listen() == 0)
            return false;
        const auto credentials = m_rest.brokerCredentials();
        fake::FakeAlpacaStream::Options streamOptions;
        streamOptions.keyId = credentials.keyId;
        streamOptions.secret = credentials.secret;
        m_stream = std::make_unique<fake::FakeAlpacaStream>(streamOptions);
        if (!m_stream->listen() || m_data.listen() == 0)
            return false;
        m_data.setCredentials(credentials.keyId, credentials.secret);
        return true;
    }

    // A server on these fakes whose feed is Alpaca's stream, started; `arguments` adds options.
    [[nodiscard]] AlpacaServer alpacaServer(const QStringList &arguments = {}) const
    {
        const auto credentials = m_rest.brokerCredentials();
        return {.brokerUrl = m_rest.baseUrl(),
                .keyId = credentials.keyId,
                .secret = credentials.secret,
                .arguments = QStringList{u"--feed"_s, u"alpaca"_s, u"--alpaca-data-stream-url"_s,
                                         m_stream->url().toString(), u"--alpaca-data-api-url"_s,
                                         m_data.baseUrl().toString()} +
                             arguments,
                .startFeed = true};
    }

    fake::FakeAlpacaRest m_rest;
    fake::FakeAlpacaData m_data;
    std::unique_ptr<fake::FakeAlpacaStream> m_stream;
};

} // namespace clera::test
