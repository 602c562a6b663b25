// Generated from the engine's /openapi.json by `npm run app:api`; do not edit.
/* eslint-disable */
export interface paths {
    "/api/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Engine version, the EHR it talks to, the clinic's name and time zone, and whether the data is the demo's synthetic data */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            version: string;
                            fhirBaseUrl: string;
                            storage: string;
                            clinic: {
                                name: string;
                                timeZone: string;
                            };
                            demoData: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent calls in your queues (no PHI) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/cti": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a signed call event from a PBX or CTI bridge
         * @description Sign with `Callchart-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Requests older than the replay window (default 300 s), or dated more than 60 s ahead, are refused. Redeliveries with the same event `id` are acknowledged as `duplicate` and change nothing. The event is committed before the 2xx.
         */
        post: {
            parameters: {
                query?: never;
                header: {
                    /** @description t=<unix>,v1=<hex> */
                    "callchart-signature": string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "call.ringing";
                        /** @default {} */
                        data?: Record<string, never>;
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "call.answered";
                        /** @default {} */
                        data?: Record<string, never>;
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "call.transferred";
                        /** @default {} */
                        data?: {
                            toQueue?: string;
                            toAgent?: string;
                        };
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "call.ended";
                        /** @default {} */
                        data?: {
                            durationSeconds?: number;
                            transcript?: {
                                /** @description Transcript text. Stored encrypted; never logged. */
                                text: string;
                                /** @description BCP-47 language tag, e.g. en-US */
                                language?: string;
                                /** @description Engine or vendor that produced it */
                                source?: string;
                                /**
                                 * @description How far it can be trusted: ok, low (marked for staff) or unusable (a person reads the call). Absent: not judged by the source
                                 * @enum {string}
                                 */
                                quality?: "ok" | "low" | "unusable";
                                qualityReasons?: ("narrowband-audio" | "low-confidence" | "no-speech" | "too-quiet" | "clipped" | "repetitive" | "engine-failed" | "no-confidence-reported")[];
                                /** @description Utterances with words and confidences. Stored encrypted with the text */
                                segments?: {
                                    start: number;
                                    end: number;
                                    text: string;
                                    /** @enum {string} */
                                    quality: "ok" | "low" | "unusable";
                                    /** @default [] */
                                    qualityReasons?: ("narrowband-audio" | "low-confidence" | "no-speech" | "too-quiet" | "clipped" | "repetitive" | "engine-failed" | "no-confidence-reported")[];
                                    /** @default [] */
                                    words?: {
                                        word: string;
                                        start: number;
                                        end: number;
                                        confidence: number;
                                    }[];
                                    /** @default true */
                                    final?: boolean;
                                }[];
                            };
                        };
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "call.missed";
                        /** @default {} */
                        data?: {
                            /** @enum {string} */
                            reason?: "no-answer" | "abandoned" | "busy" | "after-hours";
                        };
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "voicemail";
                        data: {
                            durationSeconds?: number;
                            transcript?: {
                                /** @description Transcript text. Stored encrypted; never logged. */
                                text: string;
                                /** @description BCP-47 language tag, e.g. en-US */
                                language?: string;
                                /** @description Engine or vendor that produced it */
                                source?: string;
                                /**
                                 * @description How far it can be trusted: ok, low (marked for staff) or unusable (a person reads the call). Absent: not judged by the source
                                 * @enum {string}
                                 */
                                quality?: "ok" | "low" | "unusable";
                                qualityReasons?: ("narrowband-audio" | "low-confidence" | "no-speech" | "too-quiet" | "clipped" | "repetitive" | "engine-failed" | "no-confidence-reported")[];
                                /** @description Utterances with words and confidences. Stored encrypted with the text */
                                segments?: {
                                    start: number;
                                    end: number;
                                    text: string;
                                    /** @enum {string} */
                                    quality: "ok" | "low" | "unusable";
                                    /** @default [] */
                                    qualityReasons?: ("narrowband-audio" | "low-confidence" | "no-speech" | "too-quiet" | "clipped" | "repetitive" | "engine-failed" | "no-confidence-reported")[];
                                    /** @default [] */
                                    words?: {
                                        word: string;
                                        start: number;
                                        end: number;
                                        confidence: number;
                                    }[];
                                    /** @default true */
                                    final?: boolean;
                                }[];
                            };
                        };
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "transcript.available";
                        data: {
                            transcript: {
                                /** @description Transcript text. Stored encrypted; never logged. */
                                text: string;
                                /** @description BCP-47 language tag, e.g. en-US */
                                language?: string;
                                /** @description Engine or vendor that produced it */
                                source?: string;
                                /**
                                 * @description How far it can be trusted: ok, low (marked for staff) or unusable (a person reads the call). Absent: not judged by the source
                                 * @enum {string}
                                 */
                                quality?: "ok" | "low" | "unusable";
                                qualityReasons?: ("narrowband-audio" | "low-confidence" | "no-speech" | "too-quiet" | "clipped" | "repetitive" | "engine-failed" | "no-confidence-reported")[];
                                /** @description Utterances with words and confidences. Stored encrypted with the text */
                                segments?: {
                                    start: number;
                                    end: number;
                                    text: string;
                                    /** @enum {string} */
                                    quality: "ok" | "low" | "unusable";
                                    /** @default [] */
                                    qualityReasons?: ("narrowband-audio" | "low-confidence" | "no-speech" | "too-quiet" | "clipped" | "repetitive" | "engine-failed" | "no-confidence-reported")[];
                                    /** @default [] */
                                    words?: {
                                        word: string;
                                        start: number;
                                        end: number;
                                        confidence: number;
                                    }[];
                                    /** @default true */
                                    final?: boolean;
                                }[];
                            };
                        };
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "ivr.input";
                        data: {
                            /** @enum {string} */
                            kind: "dtmf" | "speech";
                            /** @description Which prompt was answered, e.g. reason, dob */
                            menu?: string;
                            value: string;
                        };
                    } | {
                        /** @description Provider event id: the idempotency key; redeliveries reuse it */
                        id: string;
                        /** @description Which PBX or CTI bridge sent the event */
                        provider: string;
                        /**
                         * Format: date-time
                         * @description When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)
                         */
                        occurredAt: string;
                        call: {
                            /** @description The PBX's own call id (stable across the call's events) */
                            id: string;
                            /** @description Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / '' */
                            ani: string;
                            /** @description Number the caller dialled */
                            dnis?: string;
                            queue?: string;
                            /** @description Agent id or extension */
                            agent?: string;
                            /**
                             * @default inbound
                             * @enum {string}
                             */
                            direction?: "inbound" | "outbound";
                        };
                        /** @enum {string} */
                        type: "consent.captured";
                        data: {
                            /** @enum {string} */
                            scope: "record" | "transcribe" | "ai" | "ehr";
                            granted: boolean;
                            /** @enum {string} */
                            method?: "ivr" | "verbal" | "staff" | "standing";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted" | "duplicate";
                            /** Format: uuid */
                            callId: string;
                            callStatus: string;
                            /** @description Only for call.ringing with ?route=sync: where to send the call, decided within 2 s */
                            routing?: {
                                destinationId: string;
                                destination: {
                                    kind: string;
                                    target: string;
                                    label: string;
                                };
                                ruleId: string;
                                reason: string;
                                fallback: boolean;
                                afterHours: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted" | "duplicate";
                            /** Format: uuid */
                            callId: string;
                            callStatus: string;
                            /** @description Only for call.ringing with ?route=sync: where to send the call, decided within 2 s */
                            routing?: {
                                destinationId: string;
                                destination: {
                                    kind: string;
                                    target: string;
                                    label: string;
                                };
                                ruleId: string;
                                reason: string;
                                fallback: boolean;
                                afterHours: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                            /** @description Only for call.ringing with ?route=sync when the event could not be committed within the routing budget: where to send the call now. The event is not acknowledged: deliver it again. */
                            routing?: {
                                destinationId: string;
                                destination: {
                                    kind: string;
                                    target: string;
                                    label: string;
                                };
                                ruleId: string;
                                reason: string;
                                fallback: boolean;
                                afterHours: boolean;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/ringcentral": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a RingCentral telephony session notification
         * @description The WebHook address of the RingCentral subscription Callchart manages. A request with `Validation-Token` (subscription creation) is answered 200 with the same header. Every notification must carry `Verification-Token` equal to the subscription's verificationToken (RINGCENTRAL_VERIFICATION_TOKEN). Notifications older than the replay window are refused; redeliveries and copies of the same call step change nothing.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description ignored: a state Callchart has no event for (Hold, Parked, fax)
                             * @enum {string}
                             */
                            status: "accepted" | "duplicate" | "ignored";
                            events: {
                                type: string;
                                /** @enum {string} */
                                status: "accepted" | "duplicate";
                                /** Format: uuid */
                                callId: string;
                                callStatus: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description ignored: a state Callchart has no event for (Hold, Parked, fax)
                             * @enum {string}
                             */
                            status: "accepted" | "duplicate" | "ignored";
                            events: {
                                type: string;
                                /** @enum {string} */
                                status: "accepted" | "duplicate";
                                /** Format: uuid */
                                callId: string;
                                callStatus: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/zoom": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a Zoom Phone webhook event
         * @description Zoom's own format: `x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:<x-zm-request-timestamp>:<raw body>")>`. `endpoint.url_validation` is answered with `{plainToken, encryptedToken}`. Mapped: phone.callee_ringing, callee_answered, callee_ended, caller_ended, callee_missed, callee_rejected, voicemail_received; other events are acknowledged as `ignored`. Requests outside the replay window (default 300 s) or seen before are refused; redeliveries of the same fact change nothing.
         */
        post: {
            parameters: {
                query?: never;
                header: {
                    /** @description v0=<hex> */
                    "x-zm-signature": string;
                    /** @description unix seconds */
                    "x-zm-request-timestamp": string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted" | "duplicate" | "ignored";
                            /** Format: uuid */
                            callId?: string;
                            callStatus?: string;
                        } | {
                            plainToken: string;
                            encryptedToken: string;
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted" | "duplicate" | "ignored";
                            /** Format: uuid */
                            callId?: string;
                            callStatus?: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                message: string;
                                issues?: {
                                    path: string;
                                    message: string;
                                }[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Review queue: open items first (stat before routine, oldest first), with their age */
        get: {
            parameters: {
                query?: {
                    status?: string;
                    assignedTo?: string;
                    priority?: "routine" | "urgent" | "asap" | "stat";
                    requestType?: string;
                    olderThanMinutes?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open a review item: the note, its evidence, red flags, prompts, versions with field diffs, the transcript (redacted unless the role may turn redaction off) */
        get: {
            parameters: {
                query?: {
                    redaction?: "on" | "off";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit the note: a new version against the version you opened (409 if it changed since) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        baseVersion: number;
                        changes: {
                            /** @enum {string} */
                            reasonForCall?: "prescription_refill" | "appointment" | "symptom_report" | "test_results" | "referral" | "billing_insurance" | "prior_authorization" | "medical_records" | "callback_request" | "urgent_emergency" | "administrative" | "provider_to_provider" | "unclassified";
                            details?: string;
                            actionRequested?: string;
                            nextStep?: string;
                            owner?: string;
                            /** Format: date-time */
                            followUpDue?: string | null;
                            /** @enum {string} */
                            urgency?: "routine" | "urgent" | "emergency";
                            note?: string;
                        };
                        rebuildNote?: boolean;
                        /** @enum {string} */
                        redFlagDowngrade?: "not-current" | "misheard" | "clinician-assessed";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/review/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve: every S0 checklist answer yes and a verified patient identity; the chart record is queued for write-back */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        baseVersion: number;
                        checklist: {
                            patientIdentifiedCorrectly: boolean;
                            actionAppropriate: boolean;
                            noUnnecessaryPhi: boolean;
                            neutralFactualTone: boolean;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject: nothing more goes to the chart, and what went is taken back (the Task cancelled, or entered-in-error for a wrong patient; earlier notes withdrawn) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        reason: "wrong-patient" | "not-clinical" | "duplicate" | "inappropriate" | "other";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Assign to a person (or null to unassign) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        assignee: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review/{id}/reviewers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who could take this item (to reassign it): active staff who review calls and work its queue; names and roles only */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review/{id}/verify-identity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm the caller's chart (one of the caller-ID candidates): the call becomes staff-verified and its Task moves to that patient */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        patientId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/write-back": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The write-back outbox: what waits for the EHR, what failed and why (ids and codes only) */
        get: {
            parameters: {
                query?: {
                    status?: "pending" | "sending" | "delivered" | "failed" | "cancelled";
                    callId?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/write-back/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Outbox counts by target and status (for dashboards and the chaos test) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/write-back/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put a failed write-back item back in line (after fixing what the EHR rejected) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls/{id}/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A call's consent per scope (recording, transcription, AI, EHR): granted, declined or not asked yet, and who captured it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Record a consent change made with the agent during the call (source: agent) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        scope: "record" | "transcribe" | "ai" | "ehr";
                        /** @enum {string} */
                        status: "granted" | "declined";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Event-triggered write-back: a denied refill, a missed appointment or a callback request becomes the configured Task (no note) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        type: "refill-denied";
                        patientId: string;
                        medicationRequestId?: string;
                        /** Format: uuid */
                        callId?: string;
                    } | {
                        /** @enum {string} */
                        type: "missed-appointment";
                        patientId: string;
                        appointmentId: string;
                    } | {
                        /** @enum {string} */
                        type: "callback-request";
                        patientId: string;
                        /** Format: uuid */
                        callId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The active queue policy and its change history (who and why) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Activate a new queue policy (YAML), with the reason for the change; every problem is listed on a 400 */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        yaml: string;
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/patients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the EHR for a patient: a name with a date of birth, an MRN, or a phone number (at most 10 charts; name, date of birth, MRN, phone only) */
        get: {
            parameters: {
                query?: {
                    name?: string;
                    birthDate?: string;
                    mrn?: string;
                    phone?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/review/{id}/link-patient": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Link the call to a chart found in the EHR, with how the caller was confirmed: the call becomes staff-verified and its Task moves to that patient (once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        patientId: string;
                        /** @enum {string} */
                        check: "date-of-birth-confirmed" | "called-back-on-chart-number" | "in-person" | "clinician-knows-caller";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls/{id}/red-flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A call's red flags (codes) and who acknowledged each, when, and how long after it was raised */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls/{id}/red-flags/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge a red flag on a call (timed and audited; the first acknowledgement stands). The flag stays on the call. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                        /**
                         * @default live
                         * @enum {string}
                         */
                        screen?: "live" | "review" | "on-call";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls/{id}/caller": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pick which of the caller number's charts the caller is (a shared phone). Not verification: confirm the date of birth next. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        patientId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls/{id}/verify-dob": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the date of birth the caller gives against the caller's chart(s): verified or not. The date is not stored or sent back. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        birthDate: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Legal holds (in force by default), with who set them, when and why */
        get: {
            parameters: {
                query?: {
                    status?: "in-force" | "released" | "all";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Place a legal hold on a call or on a patient (all their calls): nothing under it is purged until it is released */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        scope: "call";
                        /** Format: uuid */
                        callId: string;
                        reason: string;
                    } | {
                        /** @enum {string} */
                        scope: "patient";
                        patientId: string;
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/holds/{id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Release a legal hold, with the reason; the purge takes what is due at its next run */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/retention/report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The retention report: anything past policy (should be nothing), holds in force, deletions outside policy, keys destroyed, last and next purge */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dashboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Call, review, chart-write and consent aggregates for a range of clinic days (both ends included; at most 92 days; default the last 7). Counts and durations only; the analyst's answer hides counts of 1 to 4. */
        get: {
            parameters: {
                query?: {
                    /** @description First clinic day, YYYY-MM-DD */
                    from?: string;
                    /** @description Last clinic day, YYYY-MM-DD (default today) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Callback tasks in the caller's queues: urgent first, then overdue, then by deadline; with age, attempts and escalation level */
        get: {
            parameters: {
                query?: {
                    status?: string;
                    overdue?: "true" | "false";
                    mine?: "true" | "false";
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Callback metrics (AN-1) over the caller's queues and a period: completion rate, attempts per completed callback, call to first attempt and to closure (median, p90), overdue now, after-hours share */
        get: {
            parameters: {
                query?: {
                    days?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One callback task: its attempts, context codes, and whom to call back (name and birth date from the EHR, access-logged) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/attempts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log one callback attempt (answered, voicemail left, no answer, wrong number, declined); the escalation ladder applies */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        outcome: "answered" | "voicemail-left" | "no-answer" | "wrong-number" | "declined";
                        /**
                         * @default phone
                         * @enum {string}
                         */
                        channel?: "phone" | "sms";
                        callId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/claim": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take a callback task: it is yours and in progress */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a callback task to someone (a staff id), or release it (null) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        owner: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete a callback task: the caller was reached and the request handled */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        reason?: "reached" | "unreachable" | "duplicate" | "resolved-elsewhere" | "not-needed" | "other";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a callback task nobody needs (a reason code: duplicate, resolved-elsewhere, not-needed, other) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        reason?: "reached" | "unreachable" | "duplicate" | "resolved-elsewhere" | "not-needed" | "other";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/close-unreachable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a callback task whose caller could not be reached after the ladder */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        reason?: "reached" | "unreachable" | "duplicate" | "resolved-elsewhere" | "not-needed" | "other";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/outreach": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The outreach lists and their entries in your queues (barriers, script, callback progress); ids and codes only */
        get: {
            parameters: {
                query?: {
                    kind?: "post-discharge" | "no-show";
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/outreach/entries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One outreach entry (another queue's is not found) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/outreach/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload an outreach list (text/csv: kind, patient_id or mrn, date, reason_code): the good rows are imported, every bad row is reported by number */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/csv": string;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/outreach/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Search the EHR lists now (post-discharge and no-show), within the EHR load budget and the per-run cap */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/write-back/worklist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The chart worklist: chart writes newest first with status, the EHR's reason in words, who cancelled and why; and per EHR target whether it is down, since when and how many wait */
        get: {
            parameters: {
                query?: {
                    status?: string;
                    kind?: "chart-record" | "event-task" | "rejection" | "callback-status" | "refill-order";
                    target?: "fhir" | "hl7";
                    from?: string;
                    to?: string;
                    before?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/write-back/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a chart write that waits or failed, with a reason code: it is never sent, stays listed as cancelled with who and why, and is audited (409 while it is being sent, or once sent) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        reason: "duplicate" | "wrong-patient" | "entered-by-hand" | "consent-withdrawn" | "not-needed" | "other";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/event-subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Event webhook subscribers: URL, event types and queues (never the secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Add an event webhook subscriber (https only; the signing secret is generated when absent and shown once, in this answer) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        url: string;
                        eventTypes: ("call.new" | "call.missed" | "call.voicemail" | "callback.completed" | "case.resolved")[];
                        queues: string[];
                        /** @description At least 32 random bytes (hex, base64 or whsec_…); omit to have one generated and shown once */
                        secret?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/event-subscriptions/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable a subscriber: it hears nothing more and its waiting deliveries are not sent (audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/event-webhooks/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Event webhook deliveries that are failing (retrying) or dead, newest first: ids, codes and the failure code */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/event-webhooks/deliveries/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a failing or dead delivery again now, same event id and body (audited; 409 once delivered) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The access log: who saw a patient's calls, or what a person saw in a period (ids, times, purposes) */
        get: {
            parameters: {
                query?: {
                    patientId?: string;
                    actor?: string;
                    from?: string;
                    to?: string;
                    afterSeq?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the audit trail (call, patient reference, person, action, period), newest first; paged by beforeSeq */
        get: {
            parameters: {
                query?: {
                    callId?: string;
                    patientRef?: string;
                    actor?: string;
                    action?: string;
                    from?: string;
                    to?: string;
                    beforeSeq?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/calls/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A call's chain of custody: every audit event about the call (its review item and chart writes too), oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Is the hash chain intact, and the newest signed checkpoint: verified now with the audit key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The search (or a call's timeline) as a signed export: JSON lines with an HMAC trailer (verify with `callchart audit verify-export`); after step-up; audited */
        get: {
            parameters: {
                query?: {
                    callId?: string;
                    patientRef?: string;
                    actor?: string;
                    action?: string;
                    from?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts, newest first (ids and codes only) */
        get: {
            parameters: {
                query?: {
                    status?: "open" | "acknowledged";
                    rule?: "consent-check-failed" | "access-above-baseline" | "export" | "raw-content-viewed" | "repeated-review-edits" | "deleted-outside-policy" | "policy-changed" | "key-changed" | "privileged-sign-in" | "audit-verification-failed" | "callback-overdue-urgent" | "pbx-subscription-failing" | "checkpoint-sink-unreachable";
                    beforeSeq?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge an alert (audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Open an incident from an alert: evidence = a signed audit export, notification deadlines from discovery */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        alertId: string;
                        /** Format: date-time */
                        discoveredAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/incidents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An incident: assessment, deadlines, evidence summary, status history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit the breach assessment and/or the status, against the version you read (409 if it changed) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        baseVersion: number;
                        /** @enum {string} */
                        status?: "open" | "assessing" | "notifying" | "closed";
                        assessment?: {
                            natureAndExtent?: {
                                categories: ("demographics" | "contact" | "identifiers" | "clinical" | "medications" | "call-audio" | "transcript" | "summary" | "financial")[];
                                individualsAffected: number;
                                /** @enum {string} */
                                reidentificationLikelihood: "low" | "moderate" | "high";
                            };
                            recipient?: {
                                /** @enum {string} */
                                kind: "workforce-member" | "covered-entity" | "business-associate" | "external" | "unknown";
                                recipientId: string | null;
                                obligatedToProtect: boolean;
                            };
                            /** @enum {string} */
                            acquiredOrViewed?: "not-accessed" | "viewed" | "acquired" | "unknown";
                            mitigation?: {
                                steps: ("access-revoked" | "sessions-revoked" | "credentials-reset" | "assurance-obtained" | "data-returned" | "data-destroyed" | "retraining" | "sanction")[];
                                /** @enum {string} */
                                riskMitigated: "none" | "partly" | "fully";
                            };
                            /** @enum {string} */
                            conclusion?: "breach" | "low-probability-of-compromise" | "not-phi" | "exception-applies";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/incidents/{id}/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The sealed evidence: signed JSON lines with an HMAC trailer (verify with `callchart audit verify-export`) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in, step one: user name and password. Answers with the next step (a code, or enrolling an authenticator). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        userName: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in, step two: a code from the authenticator app, or a recovery code (each works once). Sets the session cookie. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        pending: string;
                        code?: string;
                        recoveryCode?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/enrol": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** First sign-in: a new authenticator secret and its QR code (confirm it with a first code). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        pending: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/enrol/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** First sign-in: confirm the authenticator with its first code (and replace the initial password with newPassword); answers the ten recovery codes (shown once) and sets the session cookie. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        pending: string;
                        code: string;
                        newPassword?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in person: name, role, queues, and when the session ends (idle and absolute) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/step-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm it is you (password and a fresh code) before raw content, exports or key operations */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                        code: string;
                        /**
                         * @default raw-content
                         * @enum {string}
                         */
                        purpose?: "raw-content" | "export" | "key-operation";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your password (the current one, then the new one); your other sessions end */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-out-everywhere": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of yours, on every device */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/staff-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Staff tokens issued (live and recently expired); never the tokens themselves */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Issue a staff token for a service or kiosk (shown once; at most 12 h) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @enum {string} */
                        role: "intake" | "nurse" | "clinician" | "supervisor" | "analyst" | "admin" | "auditor";
                        /** @default [] */
                        queues?: string[];
                        /**
                         * @default [
                         *       "read"
                         *     ]
                         */
                        scopes?: ("live-display" | "read" | "write")[];
                        /** @default 480 */
                        ttlMinutes?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/staff-tokens/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a staff token: refused on its next request */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/calls/{id}/booking-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The call's self-scheduling link: sent, opened, booked (with the Appointment id), locked, expired. Ids, codes and times only. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            link: {
                                linkId: string;
                                callId: string;
                                /** @enum {string} */
                                status: "sent" | "send-failed" | "opened" | "verified" | "booked" | "locked" | "superseded";
                                createdAt: string;
                                expiresAt: string;
                                openedAt: string | null;
                                bookedAt: string | null;
                                appointmentId: string | null;
                                sentBy: string;
                            } | null;
                            appointmentRequest: boolean;
                            patientIdentified: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Text the caller a self-scheduling link (appointment requests from a caller identified to one chart). Goes to the chart's mobile number; sending again replaces the previous link. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            link: {
                                linkId: string;
                                callId: string;
                                /** @enum {string} */
                                status: "sent" | "send-failed" | "opened" | "verified" | "booked" | "locked" | "superseded";
                                createdAt: string;
                                expiresAt: string;
                                openedAt: string | null;
                                bookedAt: string | null;
                                appointmentId: string | null;
                                sentBy: string;
                            };
                            sentTo: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Staff accounts: role, queues, extensions, sign-in state (admins) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Create a staff account: local (a one-time initial password, answered once; TOTP at first sign-in) or SSO only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        userName: string;
                        email?: string | null;
                        /** @enum {string} */
                        role: "intake" | "nurse" | "clinician" | "supervisor" | "analyst" | "admin" | "auditor";
                        /** @default [] */
                        queues?: string[];
                        /** @default [] */
                        extensions?: string[];
                        displayName?: string | null;
                        /**
                         * @default local
                         * @enum {string}
                         */
                        signIn?: "local" | "sso";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a staff account: role, queues, extensions, display name (with an optional reason, kept in the audit) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role?: "intake" | "nurse" | "clinician" | "supervisor" | "analyst" | "admin" | "auditor";
                        queues?: string[];
                        extensions?: string[];
                        displayName?: string | null;
                        version?: number;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/admin/users/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable a staff account: every session ends at once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enable a staff account */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{id}/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of a staff account (sign out everywhere) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/settings/{section}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A settings section: the current document (YAML), its version, when a change applies, and who changed it when and why */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    section: "queue-policy" | "routing-rules" | "ivr" | "retention";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Save a settings section with the reason for the change, over the version the admin saw (409 when someone else saved first; 422 with every problem) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    section: "queue-policy" | "routing-rules" | "ivr" | "retention";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        document: string;
                        /** @default  */
                        reason?: string;
                        baseVersion: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/settings/{section}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a settings document against its config file schema: every problem with its field path, or what would change field by field */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    section: "queue-policy" | "routing-rules" | "ivr" | "retention";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        document: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/keys/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** KEK versions, data keys per class and KEK, re-wrap progress, rows still under the legacy key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the key-encryption key now; data keys are re-wrapped in the background (see status). Body {dataKeys?, reseal?}: dataKeys also starts new data keys for today; reseal re-seals content under the replaced and legacy keys */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/call": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Call the patient back through Twilio (the chart's number, the clinic's caller ID); connected to you once they answer and the consents are asked. Pressing twice places one call. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            call: {
                                id: string;
                                taskId: string;
                                /**
                                 * @description placing → queued → initiated → ringing → in-progress → completed; or no-answer, busy, failed, not-placed
                                 * @enum {string}
                                 */
                                status: "placing" | "queued" | "initiated" | "ringing" | "in-progress" | "completed" | "no-answer" | "busy" | "failed" | "canceled" | "not-placed" | "place-unknown";
                                /** @description Staff id of the person who pressed Call */
                                agent: string;
                                /** @description The ledger call, once a person answered */
                                callId: string | null;
                                /** @description Twilio's answering machine detection: human, machine_start, … */
                                answeredBy: string | null;
                                /** @enum {string|null} */
                                attemptOutcome: "answered" | "voicemail-left" | "no-answer" | "wrong-number" | "declined" | null;
                                errorCode: string | null;
                                requestedAt: string;
                                answeredAt: string | null;
                                endedAt: string | null;
                            };
                            /** @description false: a call for this task was already on its way */
                            placed: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/callbacks/{id}/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A callback task's outbound calls, newest first, with their live status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            calls: {
                                id: string;
                                taskId: string;
                                /**
                                 * @description placing → queued → initiated → ringing → in-progress → completed; or no-answer, busy, failed, not-placed
                                 * @enum {string}
                                 */
                                status: "placing" | "queued" | "initiated" | "ringing" | "in-progress" | "completed" | "no-answer" | "busy" | "failed" | "canceled" | "not-placed" | "place-unknown";
                                /** @description Staff id of the person who pressed Call */
                                agent: string;
                                /** @description The ledger call, once a person answered */
                                callId: string | null;
                                /** @description Twilio's answering machine detection: human, machine_start, … */
                                answeredBy: string | null;
                                /** @enum {string|null} */
                                attemptOutcome: "answered" | "voicemail-left" | "no-answer" | "wrong-number" | "declined" | null;
                                errorCode: string | null;
                                requestedAt: string;
                                answeredAt: string | null;
                                endedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/outbound-voice": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/outbound-consent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/outbound-status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/realtime-transcription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/voice": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/ivr": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/recording": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/twilio/transcription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/on-call/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The on-call view of one after-hours item: the AI's reading (marked as AI), red flags, the chart summary, the redacted transcript and summary, what can be done */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/on-call/{id}/approve-refill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve the refill in one tap: a MedicationRequest with Provenance through the outbox (once), and the item approved as you */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        baseVersion: number;
                        medicationRequestId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/on-call/{id}/deny": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deny the refill with a reason: the note says so, the item is approved as you, and the refill-denied Task goes to the chart */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        baseVersion: number;
                        /** @enum {string} */
                        reason: "needs-visit" | "needs-labs" | "too-early" | "not-appropriate" | "other";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/on-call/{id}/hand-off": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand to nurse triage: the item moves to the nurse-triage queue */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/on-call/{id}/call-back": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Call the patient back: Twilio rings your phone, then dials the patient's chart number from the clinic's number */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
