#include "onboardingroutes.h"

#include "core/onboarding/onboardingservice.h"
#include "jsonresponse.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;
using Result = OnboardingService::Result;

QHttpServerResponse answer(const Result &result, Status success = Status::Ok)
{
    if (!result)
        return OnboardingRoutes::failure(result.error());
    return jsonResponse(*result, success);
}

QString stepSchema(OnboardingStep step)
{
    QString name = toString(step);
    name[0] = name.at(0).toUpper();
    return u"Onboarding"_s + name;
}

} // namespace

OnboardingRoutes::OnboardingRoutes(OnboardingService &service, QObject *parent)
    : QObject(parent), m_service(service)
{}

QHttpServerResponse OnboardingRoutes::failure(const OnboardingError &error)
{
    using K = OnboardingError::Kind;
    Status status = Status::InternalServerError;
    switch (error.kind) {
    case K::Invalid:
        status = Status::BadRequest;
        break;
    case K::Refused:
        status = Status::UnprocessableEntity;
        break;
    case K::Conflict:
        status = Status::Conflict;
        break;
    case K::Unavailable:
        status = Status::BadGateway;
        break;
    case K::Internal:
        return errorResponse(status, u"internal_error"_s, u"internal error"_s);
    }
    QJsonObject body = errorBody(error.code, error.message);
    if (!error.fields.isEmpty()) {
        QJsonArray fields;
        for (const FieldError &f : error.fields)
            fields.append(QJsonObject{{u"field"_s, f.field}, {u"message"_s, f.message}});
        QJsonObject inner = body.value(u"error"_s).toObject();
        inner.insert(u"fields"_s, fields);
        body.insert(u"error"_s, inner);
    }
    return jsonResponse(body, status);
}

void OnboardingRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec spec;
        spec.path = u"/api/v1/onboarding"_s;
        spec.operationId = u"onboarding"_s;
        spec.summary =
            u"Your brokerage application: state, status in plain words, saved steps (the tax id as "
            "its last 4 characters), completed and remaining steps, field errors. Reads the broker's "
            "status when the application waits for it"_s;
        spec.tag = u"onboarding"_s;
        spec.bearer = true;
        spec.responseSchema = u"Onboarding"_s;
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            return m_service.refresh(c.user.userId).then(this, [](const Result &r) { return answer(r); });
        });
    }
    for (OnboardingStep step : onboardingSteps()) {
        RouteSpec spec;
        spec.method = Method::Put;
        spec.path = u"/api/v1/onboarding/"_s + toString(step);
        spec.operationId = u"saveOnboarding"_s + stepSchema(step).mid(10);
        spec.summary = u"Saves the %1 step of the draft; 400 validation_failed lists every field that needs "
                       "attention, and nothing is saved then"_s.arg(toString(step));
        spec.tag = u"onboarding"_s;
        spec.bearer = true;
        spec.requestSchema = stepSchema(step);
        if (step == OnboardingStep::Disclosures)
            spec.maxBodyBytes = kMaxDocumentBodyBytes;
        spec.responseSchema = u"Onboarding"_s;
        spec.errors = {409};
        router.add(spec, [this, step](const QHttpServerRequest &, const RequestContext &c) {
            return QtFuture::makeReadyFuture(
                answer(m_service.saveStep(c.user.userId, step, c.body, c.client.ip)));
        });
    }
    {
        RouteSpec spec;
        spec.method = Method::Post;
        spec.path = u"/api/v1/onboarding/submit"_s;
        spec.operationId = u"submitOnboarding"_s;
        spec.summary = u"Submits the complete draft to the broker. Idempotent: once submitted, answers the "
                       "current state without submitting again; after a lost broker answer (502), a retry "
                       "finds the account instead of opening a second one"_s;
        spec.tag = u"onboarding"_s;
        spec.bearer = true;
        spec.responseSchema = u"Onboarding"_s;
        spec.errors = {409, 422, 502};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            return m_service.submit(c.user.userId, c.client.ip).then(this, [](const Result &r) {
                const bool waiting = r && r->value(u"state"_s).toString() == u"submitting";
                return answer(r, waiting ? Status::Accepted : Status::Ok);
            });
        });
    }
}

} // namespace clera
