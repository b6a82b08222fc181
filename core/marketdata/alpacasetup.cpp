#include "alpacasetup.h"

#include "alpacamarketdata.h"
#include "alpacastream.h"
#include "previouscloseloader.h"

#include "core/config/backendselection.h"

#include <algorithm>

namespace clera {

AlpacaStream *makeAlpacaStream(const BackendSelection &selection, QObject *parent)
{
    AlpacaStream::Options options;
    options.url = selection.streamUrl;
    options.keyId = selection.streamKey;
    options.secret = selection.streamSecret;
    options.staleAfterMs = int(selection.streamStaleAfter.count());
    // A quiet but healthy stream must answer a ping well before it counts as silent.
    options.pingIntervalMs = std::min(options.pingIntervalMs, options.staleAfterMs / 3);
    return new AlpacaStream(options, parent);
}

void loadPreviousCloses(const BackendSelection &selection, SymbolRegistry *registry, AlpacaStream *stream,
                        QObject *parent)
{
    AlpacaMarketData::Options options;
    options.baseUrl = selection.dataApiUrl;
    options.auth = selection.dataBasicAuth ? RestClient::Auth::Basic : RestClient::Auth::ApcaHeaders;
    options.keyId = selection.streamKey;
    options.secret = selection.streamSecret;
    options.feed = selection.dataFeed;
    auto *data = new AlpacaMarketData(options, parent);
    new PreviousCloseLoader(registry, stream, data, std::chrono::hours(1), std::chrono::seconds(30), parent);
}

} // namespace clera
