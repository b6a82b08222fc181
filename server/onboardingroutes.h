#pragma once

#include "core/onboarding/onboardingerror.h"
#include "httprouter.h"

#include <QHttpServerResponse>
#include <QObject>

namespace clera {

class OnboardingService;

// The brokerage application of the token's own user (there is no user id in the paths, so nobody reaches
// another user's application): GET /api/v1/onboarding, PUT /api/v1/onboarding/{contact, identity,
// employment, disclosures, agreements} and POST /api/v1/onboarding/submit. See OnboardingService.
class OnboardingRoutes : public QObject
{
    Q_OBJECT
public:
    // Bodies of the disclosures step may carry documents (the affiliation letter).
    static constexpr qsizetype kMaxDocumentBodyBytes = 8 * 1024 * 1024;

    explicit OnboardingRoutes(OnboardingService &service, QObject *parent = nullptr);

    void addTo(HttpRouter &router);

    // The REST answer for a failed onboarding call: {"error":{"code","message","fields"?}}.
    [[nodiscard]] static QHttpServerResponse failure(const OnboardingError &error);

private:
    OnboardingService &m_service;
};

} // namespace clera
