// This file is generated from openapi.yaml by scripts/generate-openapi.mjs; do not edit.
/* eslint-disable */
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';

export const spec = {
  "openapi": "3.0.3",
  "info": {
    "title": "app-platform",
    "version": "1",
    "description": "The App Platform backend: applications, services and middleware on the registered Kubernetes clusters. Served under /api/app-platform.\n\nEvery route but `GET /health` needs a signed-in user or a service (401 otherwise). Every string and number a request may carry is bounded by the database column it is stored in (`maxLength`, `minimum`/`maximum`, `maxItems`, `maxProperties`), so bad input is refused with 400 naming the field before it reaches the database; strings may not contain NUL characters (PostgreSQL cannot store them). A name that is taken answers 409.",
    "license": {
      "name": "UNLICENSED"
    }
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "description": "The error body of every 4xx/5xx answer (from @backstage/errors).",
        "properties": {
          "error": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string",
                "maxLength": 255
              },
              "message": {
                "type": "string",
                "maxLength": 65536
              }
            },
            "required": [
              "name",
              "message"
            ]
          },
          "request": {
            "type": "object",
            "properties": {
              "method": {
                "type": "string",
                "maxLength": 16
              },
              "url": {
                "type": "string",
                "maxLength": 65536
              }
            }
          },
          "response": {
            "type": "object",
            "properties": {
              "statusCode": {
                "type": "integer",
                "minimum": 100,
                "maximum": 599
              }
            }
          }
        },
        "required": [
          "error"
        ]
      },
      "HealthCheck": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "status": {
            "type": "string",
            "enum": [
              "ok",
              "failing"
            ]
          },
          "message": {
            "type": "string",
            "maxLength": 65536
          }
        },
        "required": [
          "name",
          "status"
        ]
      },
      "Health": {
        "type": "object",
        "description": "A caller without credentials (a load balancer, a probe) gets only `status`; signed-in users and services also get the `checks`.",
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "ok",
              "degraded"
            ],
            "description": "ok when every check passes."
          },
          "checks": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "$ref": "#/components/schemas/HealthCheck"
            }
          }
        },
        "required": [
          "status"
        ]
      },
      "ResourceName": {
        "type": "string",
        "description": "RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters); also the namespace name on every cluster.",
        "minLength": 1,
        "maxLength": 63,
        "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
      },
      "Cluster": {
        "type": "object",
        "description": "A registered cluster. Its token is never part of any answer. Its details (`url`, `healthReason`, `skipTLSVerify`) are shown only to callers with `app-platform.cluster.read` (admins under the portal's policy, and services); everyone else sees its name, environment, labels, source and health.",
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "url": {
            "type": "string",
            "maxLength": 255,
            "description": "Details (needs app-platform.cluster.read)."
          },
          "environment": {
            "type": "string",
            "enum": [
              "test",
              "production"
            ]
          },
          "labels": {
            "type": "object",
            "maxProperties": 64,
            "additionalProperties": {
              "type": "string",
              "maxLength": 255
            }
          },
          "skipTLSVerify": {
            "type": "boolean",
            "description": "Details (needs app-platform.cluster.read)."
          },
          "source": {
            "type": "string",
            "enum": [
              "config",
              "api"
            ]
          },
          "health": {
            "type": "string",
            "enum": [
              "unknown",
              "healthy",
              "unreachable"
            ]
          },
          "healthReason": {
            "type": "string",
            "maxLength": 65536,
            "description": "Details (needs app-platform.cluster.read)."
          },
          "healthChangedAt": {
            "type": "string",
            "format": "date-time"
          },
          "lastProbeAt": {
            "type": "string",
            "format": "date-time"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "name",
          "environment",
          "labels",
          "source",
          "health",
          "createdAt"
        ]
      },
      "ClusterRegistration": {
        "type": "object",
        "properties": {
          "name": {
            "$ref": "#/components/schemas/ResourceName"
          },
          "url": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": "URL of the Kubernetes API server."
          },
          "caData": {
            "type": "string",
            "maxLength": 65536,
            "description": "PEM (or base64 of PEM) of the API server's CA."
          },
          "token": {
            "type": "string",
            "minLength": 1,
            "maxLength": 16384,
            "description": "Service-account token; stored encrypted, never returned."
          },
          "environment": {
            "type": "string",
            "enum": [
              "test",
              "production"
            ]
          },
          "labels": {
            "type": "object",
            "maxProperties": 64,
            "description": "At most 64, each value at most 255 characters.",
            "additionalProperties": {
              "type": "string",
              "maxLength": 255
            }
          },
          "skipTLSVerify": {
            "type": "boolean"
          }
        },
        "required": [
          "name",
          "url",
          "token",
          "environment"
        ],
        "additionalProperties": false
      },
      "ApplicationNamespace": {
        "type": "object",
        "properties": {
          "cluster": {
            "type": "string",
            "maxLength": 63
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "ready",
              "failed",
              "deleting"
            ],
            "description": "pending until the reconciler's first pass on the cluster; failed keeps the reason in `message` and is retried with backoff."
          },
          "message": {
            "type": "string",
            "maxLength": 65536
          },
          "attempts": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647,
            "description": "Failed attempts since the last success."
          },
          "nextAttemptAt": {
            "type": "string",
            "format": "date-time",
            "description": "When a failed pair is retried next."
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "cluster",
          "state",
          "attempts",
          "updatedAt"
        ]
      },
      "Application": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "title": {
            "type": "string",
            "maxLength": 255
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "owner": {
            "type": "string",
            "maxLength": 255,
            "description": "Entity ref of the owning Group."
          },
          "namespaceTemplate": {
            "type": "string",
            "maxLength": 63
          },
          "adopt": {
            "type": "boolean",
            "description": "An admin adopted namespaces that existed before the application; deleting it removes only what the platform added to them."
          },
          "deletionRequestedAt": {
            "type": "string",
            "format": "date-time",
            "description": "Set while the application's namespaces are being removed."
          },
          "createdBy": {
            "type": "string",
            "maxLength": 255
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          },
          "namespaces": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "$ref": "#/components/schemas/ApplicationNamespace"
            }
          }
        },
        "required": [
          "name",
          "owner",
          "namespaceTemplate",
          "adopt",
          "createdBy",
          "createdAt",
          "updatedAt",
          "namespaces"
        ]
      },
      "ApplicationCreation": {
        "type": "object",
        "properties": {
          "name": {
            "$ref": "#/components/schemas/ResourceName"
          },
          "owner": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": "Entity ref of a catalog Group, e.g. group:default/team-a."
          },
          "title": {
            "type": "string",
            "maxLength": 255
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "namespaceTemplate": {
            "type": "string",
            "minLength": 1,
            "maxLength": 63,
            "description": "Name of a namespace template; defaults to \"default\"."
          },
          "adopt": {
            "type": "boolean",
            "description": "Admins only: take over namespaces of this name that exist on the clusters without the platform's installation label (audited). Without it such a namespace makes the request fail with 409."
          }
        },
        "required": [
          "name",
          "owner"
        ],
        "additionalProperties": false
      },
      "ApplicationChanges": {
        "type": "object",
        "properties": {
          "title": {
            "type": "string",
            "maxLength": 255
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "owner": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255
          }
        },
        "additionalProperties": false
      },
      "Quantity": {
        "type": "string",
        "description": "A Kubernetes quantity, e.g. 100m, 0.5, 128Mi, 1Gi.",
        "minLength": 1,
        "maxLength": 32
      },
      "VersionSpec": {
        "type": "object",
        "description": "One immutable spec of a service: what a version puts on the clusters. Rendered by its service template to a Deployment and a Service (and a ConfigMap for config files, PVCs for volumes, an Ingress for the route, ExternalName Services for references). Checked beyond this schema before anything is stored (image reference grammar, unique port and env names, quantities, file names without paths...); a problem is a 400 naming the field.",
        "properties": {
          "image": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512
          },
          "replicas": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1000
          },
          "serviceType": {
            "type": "string",
            "enum": [
              "ClusterIP",
              "NodePort",
              "LoadBalancer",
              "ExternalName"
            ]
          },
          "externalName": {
            "type": "string",
            "maxLength": 253
          },
          "ports": {
            "type": "array",
            "maxItems": 32,
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 15
                },
                "containerPort": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 65535
                },
                "servicePort": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 65535
                },
                "protocol": {
                  "type": "string",
                  "enum": [
                    "TCP",
                    "UDP"
                  ]
                },
                "nodePort": {
                  "type": "integer",
                  "minimum": 30000,
                  "maximum": 32767
                }
              },
              "required": [
                "name",
                "containerPort"
              ],
              "additionalProperties": false
            }
          },
          "command": {
            "type": "array",
            "maxItems": 64,
            "items": {
              "type": "string",
              "maxLength": 4096
            }
          },
          "args": {
            "type": "array",
            "maxItems": 256,
            "items": {
              "type": "string",
              "maxLength": 4096
            }
          },
          "env": {
            "type": "array",
            "maxItems": 256,
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 253
                },
                "value": {
                  "type": "string",
                  "maxLength": 32768
                },
                "secretKeyRef": {
                  "type": "object",
                  "properties": {
                    "name": {
                      "type": "string",
                      "minLength": 1,
                      "maxLength": 253
                    },
                    "key": {
                      "type": "string",
                      "minLength": 1,
                      "maxLength": 253
                    }
                  },
                  "required": [
                    "name",
                    "key"
                  ],
                  "additionalProperties": false
                }
              },
              "required": [
                "name"
              ],
              "additionalProperties": false
            }
          },
          "resources": {
            "type": "object",
            "properties": {
              "requests": {
                "$ref": "#/components/schemas/ResourceAmounts"
              },
              "limits": {
                "$ref": "#/components/schemas/ResourceAmounts"
              }
            },
            "additionalProperties": false
          },
          "probes": {
            "type": "object",
            "properties": {
              "readiness": {
                "$ref": "#/components/schemas/VersionProbe"
              },
              "liveness": {
                "$ref": "#/components/schemas/VersionProbe"
              }
            },
            "additionalProperties": false
          },
          "configFiles": {
            "type": "array",
            "maxItems": 32,
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 253
                },
                "content": {
                  "type": "string",
                  "maxLength": 524288
                }
              },
              "required": [
                "name",
                "content"
              ],
              "additionalProperties": false
            }
          },
          "configMountPath": {
            "type": "string",
            "maxLength": 1024
          },
          "volumes": {
            "type": "array",
            "maxItems": 16,
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 63
                },
                "mountPath": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 1024
                },
                "size": {
                  "$ref": "#/components/schemas/Quantity"
                },
                "storageClass": {
                  "type": "string",
                  "maxLength": 253
                }
              },
              "required": [
                "name",
                "mountPath",
                "size"
              ],
              "additionalProperties": false
            }
          },
          "route": {
            "type": "object",
            "properties": {
              "host": {
                "type": "string",
                "minLength": 1,
                "maxLength": 253
              },
              "path": {
                "type": "string",
                "maxLength": 1024
              },
              "tlsSecret": {
                "type": "string",
                "maxLength": 253
              },
              "port": {
                "type": "string",
                "maxLength": 15
              }
            },
            "required": [
              "host"
            ],
            "additionalProperties": false
          },
          "sidecars": {
            "type": "object",
            "properties": {
              "proxy": {
                "type": "object",
                "properties": {
                  "image": {
                    "type": "string",
                    "maxLength": 512
                  },
                  "port": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 65535
                  }
                },
                "required": [
                  "port"
                ],
                "additionalProperties": false
              },
              "logging": {
                "type": "object",
                "properties": {
                  "image": {
                    "type": "string",
                    "maxLength": 512
                  },
                  "path": {
                    "type": "string",
                    "maxLength": 1024
                  },
                  "sizeLimit": {
                    "$ref": "#/components/schemas/Quantity"
                  },
                  "maxFileSize": {
                    "$ref": "#/components/schemas/Quantity"
                  },
                  "maxFiles": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100
                  }
                },
                "additionalProperties": false
              }
            },
            "additionalProperties": false
          },
          "references": {
            "type": "array",
            "maxItems": 64,
            "items": {
              "type": "object",
              "properties": {
                "application": {
                  "$ref": "#/components/schemas/ResourceName"
                },
                "service": {
                  "$ref": "#/components/schemas/ResourceName"
                }
              },
              "required": [
                "application",
                "service"
              ],
              "additionalProperties": false
            }
          },
          "bindings": {
            "type": "array",
            "description": "Middleware instances of the same application the service uses: it receives each one's connection settings as env vars (`<INSTANCE>_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`; secrets through secretKeyRef).",
            "maxItems": 20,
            "items": {
              "type": "object",
              "properties": {
                "instance": {
                  "$ref": "#/components/schemas/ResourceName"
                }
              },
              "required": [
                "instance"
              ],
              "additionalProperties": false
            }
          },
          "template": {
            "type": "string",
            "minLength": 1,
            "maxLength": 63
          }
        },
        "required": [
          "image",
          "replicas",
          "ports"
        ],
        "additionalProperties": false
      },
      "ResourceAmounts": {
        "type": "object",
        "properties": {
          "cpu": {
            "$ref": "#/components/schemas/Quantity"
          },
          "memory": {
            "$ref": "#/components/schemas/Quantity"
          }
        },
        "additionalProperties": false
      },
      "VersionProbe": {
        "type": "object",
        "properties": {
          "port": {
            "oneOf": [
              {
                "type": "string",
                "minLength": 1,
                "maxLength": 15
              },
              {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535
              }
            ]
          },
          "path": {
            "type": "string",
            "maxLength": 1024
          },
          "initialDelaySeconds": {
            "type": "integer",
            "minimum": 0,
            "maximum": 3600
          },
          "periodSeconds": {
            "type": "integer",
            "minimum": 1,
            "maximum": 3600
          },
          "failureThreshold": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100
          }
        },
        "required": [
          "port"
        ],
        "additionalProperties": false
      },
      "ServiceTemplateInput": {
        "type": "object",
        "properties": {
          "content": {
            "type": "string",
            "minLength": 1,
            "maxLength": 65536,
            "description": "YAML of service template keys (templates/services/README.md), deep-merged over the platform's default template."
          }
        },
        "required": [
          "content"
        ],
        "additionalProperties": false
      },
      "ApplicationServiceTemplate": {
        "type": "object",
        "properties": {
          "application": {
            "type": "string",
            "maxLength": 63
          },
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "content": {
            "type": "string",
            "maxLength": 65536
          },
          "updatedBy": {
            "type": "string",
            "maxLength": 255
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "application",
          "name",
          "content",
          "updatedBy",
          "updatedAt"
        ]
      },
      "ServiceInput": {
        "type": "object",
        "properties": {
          "name": {
            "$ref": "#/components/schemas/ResourceName"
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "public": {
            "type": "boolean",
            "description": "Other applications may reference it."
          }
        },
        "required": [
          "name"
        ],
        "additionalProperties": false
      },
      "ServiceChanges": {
        "type": "object",
        "properties": {
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "public": {
            "type": "boolean"
          }
        },
        "additionalProperties": false
      },
      "Service": {
        "type": "object",
        "properties": {
          "application": {
            "type": "string",
            "maxLength": 63
          },
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "kind": {
            "type": "string",
            "description": "Set on a middleware instance, reached by name for its records.",
            "enum": [
              "middleware"
            ]
          },
          "description": {
            "type": "string",
            "maxLength": 65536
          },
          "public": {
            "type": "boolean"
          },
          "owner": {
            "type": "string",
            "maxLength": 255
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "createdBy": {
            "type": "string",
            "maxLength": 255
          },
          "currentVersion": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "desiredState": {
            "type": "string",
            "enum": [
              "running",
              "stopped",
              "deleting"
            ]
          },
          "references": {
            "type": "array",
            "description": "The public services of other applications that its current version references; only in GET /services.",
            "maxItems": 64,
            "items": {
              "type": "object",
              "properties": {
                "application": {
                  "$ref": "#/components/schemas/ResourceName"
                },
                "service": {
                  "$ref": "#/components/schemas/ResourceName"
                }
              },
              "required": [
                "application",
                "service"
              ]
            }
          },
          "clusters": {
            "type": "array",
            "description": "The clusters it is to run on, by its records; only in GET /services.",
            "maxItems": 256,
            "items": {
              "$ref": "#/components/schemas/ResourceName"
            }
          }
        },
        "required": [
          "application",
          "name",
          "public",
          "owner",
          "createdAt",
          "createdBy",
          "desiredState"
        ]
      },
      "CiBuildRecord": {
        "type": "object",
        "description": "A build a CI system reported for a service, and what it did.",
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 36
          },
          "provider": {
            "type": "string",
            "maxLength": 32
          },
          "buildId": {
            "type": "string",
            "maxLength": 255
          },
          "image": {
            "type": "string",
            "maxLength": 512
          },
          "commit": {
            "type": "string",
            "maxLength": 64
          },
          "url": {
            "type": "string",
            "maxLength": 1024
          },
          "outcome": {
            "type": "string",
            "enum": [
              "deployed",
              "recorded"
            ]
          },
          "version": {
            "type": "integer",
            "minimum": 1,
            "maximum": 2147483647
          },
          "deploymentId": {
            "type": "string",
            "maxLength": 36
          },
          "receivedAt": {
            "type": "string",
            "format": "date-time",
            "maxLength": 64
          }
        },
        "required": [
          "id",
          "provider",
          "buildId",
          "image",
          "outcome",
          "receivedAt"
        ]
      },
      "CiSettings": {
        "type": "object",
        "description": "A service's CI settings (never its webhook secret) and its 20 latest builds.",
        "properties": {
          "policy": {
            "$ref": "#/components/schemas/CiPolicy"
          },
          "imageRepository": {
            "type": "string",
            "maxLength": 500
          },
          "secretCreatedAt": {
            "type": "string",
            "format": "date-time",
            "maxLength": 64
          },
          "builds": {
            "type": "array",
            "maxItems": 20,
            "items": {
              "$ref": "#/components/schemas/CiBuildRecord"
            }
          }
        },
        "required": [
          "policy",
          "builds"
        ]
      },
      "CiPolicy": {
        "type": "string",
        "description": "deploy-test: a build becomes a version deployed to the healthy test clusters; record: a build only becomes a version.",
        "enum": [
          "deploy-test",
          "record"
        ]
      },
      "CiSettingsChanges": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "policy": {
            "$ref": "#/components/schemas/CiPolicy"
          },
          "imageRepository": {
            "type": "string",
            "description": "The image is <imageRepository>:<tag> for CI systems whose payload names no image; empty removes it.",
            "maxLength": 500,
            "pattern": "^([a-z0-9]([a-z0-9._/:-]*[a-z0-9])?)?$"
          }
        }
      },
      "CiSecret": {
        "type": "object",
        "properties": {
          "secret": {
            "type": "string",
            "description": "The new webhook secret, shown this once.",
            "maxLength": 128
          },
          "createdAt": {
            "type": "string",
            "format": "date-time",
            "maxLength": 64
          }
        },
        "required": [
          "secret",
          "createdAt"
        ]
      },
      "CiReceipt": {
        "type": "object",
        "properties": {
          "build": {
            "$ref": "#/components/schemas/CiBuildRecord"
          },
          "ignored": {
            "type": "string",
            "maxLength": 200
          }
        }
      },
      "ServiceVersion": {
        "type": "object",
        "properties": {
          "application": {
            "type": "string",
            "maxLength": 63
          },
          "service": {
            "type": "string",
            "maxLength": 63
          },
          "number": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "spec": {
            "type": "object"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "createdBy": {
            "type": "string",
            "maxLength": 255
          }
        },
        "required": [
          "application",
          "service",
          "number",
          "spec",
          "createdAt",
          "createdBy"
        ]
      },
      "DeployRequest": {
        "type": "object",
        "description": "Exactly one of spec (a new version), version (a stored one) and image (a new version: the running version's spec with this image).",
        "properties": {
          "spec": {
            "$ref": "#/components/schemas/VersionSpec"
          },
          "version": {
            "type": "integer",
            "minimum": 1,
            "maximum": 2147483647
          },
          "image": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512
          },
          "clusters": {
            "type": "array",
            "description": "Target clusters; every healthy cluster when absent.",
            "minItems": 1,
            "maxItems": 100,
            "items": {
              "$ref": "#/components/schemas/ResourceName"
            }
          },
          "description": {
            "type": "string",
            "description": "Why, in the requester's words.",
            "maxLength": 4096
          }
        },
        "additionalProperties": false
      },
      "MiddlewareDefinitionSummary": {
        "type": "object",
        "description": "A middleware definition of the app store.",
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "title": {
            "type": "string",
            "maxLength": 255
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "icon": {
            "type": "string",
            "description": "A data URL.",
            "maxLength": 262144
          },
          "category": {
            "type": "string",
            "enum": [
              "database",
              "cache",
              "queue",
              "coordination",
              "gateway"
            ]
          },
          "versions": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 64
            }
          },
          "defaultVersion": {
            "type": "string",
            "maxLength": 64
          },
          "sizes": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "enum": [
                    "small",
                    "medium",
                    "large"
                  ]
                },
                "requests": {
                  "$ref": "#/components/schemas/ResourceAmounts"
                },
                "limits": {
                  "$ref": "#/components/schemas/ResourceAmounts"
                }
              },
              "required": [
                "name"
              ]
            }
          },
          "parametersSchema": {
            "type": "object",
            "description": "JSON Schema (draft 7) of the parameters, with their defaults.",
            "additionalProperties": {}
          },
          "digest": {
            "type": "string",
            "maxLength": 64
          }
        },
        "required": [
          "name",
          "title",
          "description",
          "icon",
          "category",
          "versions",
          "defaultVersion",
          "sizes",
          "parametersSchema",
          "digest"
        ]
      },
      "MiddlewareParameters": {
        "type": "object",
        "description": "Parameters of a middleware instance, checked against its definition's JSON Schema.",
        "maxProperties": 64,
        "additionalProperties": {}
      },
      "MiddlewareInstance": {
        "type": "object",
        "description": "A middleware definition installed into an application, reconciled like a service's version (its records, history and rollback are under the services routes, by its name). Passwords show as <redacted>.",
        "properties": {
          "application": {
            "$ref": "#/components/schemas/ResourceName"
          },
          "name": {
            "$ref": "#/components/schemas/ResourceName"
          },
          "definition": {
            "$ref": "#/components/schemas/ResourceName"
          },
          "title": {
            "type": "string",
            "maxLength": 200
          },
          "digest": {
            "type": "string",
            "maxLength": 64
          },
          "updateAvailable": {
            "type": "boolean"
          },
          "middlewareVersion": {
            "type": "string",
            "maxLength": 64
          },
          "parameters": {
            "$ref": "#/components/schemas/MiddlewareParameters"
          },
          "currentVersion": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "desiredState": {
            "type": "string",
            "enum": [
              "running",
              "deleting"
            ]
          },
          "inFlight": {
            "type": "string",
            "maxLength": 36
          },
          "state": {
            "type": "string",
            "maxLength": 16
          },
          "clusters": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "$ref": "#/components/schemas/ServiceClusterStatus"
            }
          },
          "connection": {
            "type": "object",
            "properties": {
              "host": {
                "type": "string",
                "maxLength": 300
              },
              "port": {
                "type": "integer",
                "minimum": 0,
                "maximum": 65535
              },
              "env": {
                "type": "array",
                "maxItems": 10,
                "items": {
                  "type": "object",
                  "properties": {
                    "name": {
                      "type": "string",
                      "maxLength": 128
                    },
                    "value": {
                      "type": "string",
                      "maxLength": 300
                    },
                    "secretKeyRef": {
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string",
                          "maxLength": 253
                        },
                        "key": {
                          "type": "string",
                          "maxLength": 253
                        }
                      },
                      "required": [
                        "name",
                        "key"
                      ]
                    }
                  },
                  "required": [
                    "name"
                  ]
                }
              }
            },
            "required": [
              "host",
              "port",
              "env"
            ]
          },
          "boundBy": {
            "type": "array",
            "maxItems": 10000,
            "items": {
              "$ref": "#/components/schemas/ResourceName"
            }
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "createdBy": {
            "type": "string",
            "maxLength": 255
          }
        },
        "required": [
          "application",
          "name",
          "definition",
          "digest",
          "updateAvailable",
          "middlewareVersion",
          "parameters",
          "desiredState",
          "state",
          "clusters",
          "connection",
          "boundBy",
          "createdAt",
          "createdBy"
        ]
      },
      "MiddlewareInstallResult": {
        "type": "object",
        "properties": {
          "instance": {
            "$ref": "#/components/schemas/MiddlewareInstance"
          },
          "deployment": {
            "$ref": "#/components/schemas/DeploymentRecord"
          }
        },
        "required": [
          "instance",
          "deployment"
        ]
      },
      "TargetClusters": {
        "type": "array",
        "description": "Target clusters; every healthy cluster when absent.",
        "minItems": 1,
        "maxItems": 100,
        "items": {
          "$ref": "#/components/schemas/ResourceName"
        }
      },
      "MiddlewarePreview": {
        "type": "object",
        "properties": {
          "objects": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "kind": {
                  "type": "string",
                  "maxLength": 63
                },
                "name": {
                  "type": "string",
                  "maxLength": 253
                }
              },
              "required": [
                "kind",
                "name"
              ]
            }
          },
          "manifests": {
            "type": "string",
            "description": "YAML, Secret data redacted.",
            "maxLength": 1048576
          },
          "parameters": {
            "type": "object",
            "additionalProperties": {}
          },
          "env": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "maxLength": 253
                },
                "value": {
                  "type": "string",
                  "maxLength": 4096
                },
                "secretKeyRef": {
                  "type": "object",
                  "properties": {
                    "name": {
                      "type": "string",
                      "maxLength": 253
                    },
                    "key": {
                      "type": "string",
                      "maxLength": 253
                    }
                  },
                  "required": [
                    "name",
                    "key"
                  ]
                }
              },
              "required": [
                "name"
              ]
            }
          }
        },
        "required": [
          "objects",
          "manifests",
          "parameters",
          "env"
        ]
      },
      "PlanRequest": {
        "type": "object",
        "description": "Exactly one of spec, version, image (on the running version's spec) and deployment (plan the rollback to a record).",
        "properties": {
          "spec": {
            "$ref": "#/components/schemas/VersionSpec"
          },
          "version": {
            "type": "integer",
            "minimum": 1,
            "maximum": 2147483647
          },
          "image": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512
          },
          "deployment": {
            "type": "string",
            "minLength": 1,
            "maxLength": 36
          },
          "clusters": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {
              "$ref": "#/components/schemas/ResourceName"
            }
          }
        },
        "additionalProperties": false
      },
      "RollbackRequest": {
        "type": "object",
        "properties": {
          "clusters": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {
              "$ref": "#/components/schemas/ResourceName"
            }
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          }
        },
        "additionalProperties": false
      },
      "DeploymentTarget": {
        "type": "object",
        "properties": {
          "cluster": {
            "type": "string",
            "maxLength": 63
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "applying",
              "deploying",
              "succeeded",
              "failed"
            ]
          },
          "reason": {
            "type": "string",
            "maxLength": 255
          },
          "message": {
            "type": "string",
            "maxLength": 65536
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "cluster",
          "state"
        ]
      },
      "DeploymentRecord": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 36
          },
          "application": {
            "type": "string",
            "maxLength": 63
          },
          "service": {
            "type": "string",
            "maxLength": 63
          },
          "action": {
            "type": "string",
            "enum": [
              "deploy",
              "rollback",
              "stop",
              "start",
              "delete"
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "deploying",
              "succeeded",
              "failed",
              "superseded"
            ]
          },
          "version": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "spec": {
            "type": "object"
          },
          "previousSpec": {
            "type": "object"
          },
          "rollbackOf": {
            "type": "string",
            "maxLength": 36
          },
          "promotedFrom": {
            "type": "string",
            "maxLength": 36
          },
          "createdBy": {
            "type": "string",
            "maxLength": 255
          },
          "description": {
            "type": "string",
            "maxLength": 65536
          },
          "summary": {
            "type": "string",
            "maxLength": 65536
          },
          "targets": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DeploymentTarget"
            }
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "id",
          "application",
          "service",
          "action",
          "state",
          "createdBy",
          "summary",
          "targets",
          "createdAt"
        ]
      },
      "DeploymentEvent": {
        "type": "object",
        "properties": {
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "cluster": {
            "type": "string",
            "maxLength": 63
          },
          "type": {
            "type": "string",
            "enum": [
              "Normal",
              "Warning"
            ]
          },
          "reason": {
            "type": "string",
            "maxLength": 255
          },
          "object": {
            "type": "string",
            "maxLength": 320
          },
          "message": {
            "type": "string",
            "maxLength": 65536
          },
          "source": {
            "type": "string",
            "enum": [
              "platform",
              "kubernetes"
            ]
          }
        },
        "required": [
          "at",
          "type",
          "reason",
          "message",
          "source"
        ]
      },
      "PlannedObject": {
        "type": "object",
        "properties": {
          "kind": {
            "type": "string",
            "maxLength": 63
          },
          "name": {
            "type": "string",
            "maxLength": 63
          },
          "action": {
            "type": "string",
            "enum": [
              "create",
              "update",
              "delete",
              "unchanged"
            ]
          },
          "changes": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "path": {
                  "type": "string",
                  "maxLength": 1024
                },
                "before": {},
                "after": {}
              },
              "required": [
                "path"
              ]
            }
          }
        },
        "required": [
          "kind",
          "name",
          "action",
          "changes"
        ]
      },
      "ClusterPlan": {
        "type": "object",
        "properties": {
          "cluster": {
            "type": "string",
            "maxLength": 63
          },
          "objects": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PlannedObject"
            }
          },
          "error": {
            "type": "string",
            "maxLength": 65536
          }
        },
        "required": [
          "cluster",
          "objects"
        ]
      },
      "ServiceClusterStatus": {
        "type": "object",
        "properties": {
          "cluster": {
            "type": "string",
            "maxLength": 63
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "deploying",
              "running",
              "failed",
              "stopped"
            ]
          },
          "reason": {
            "type": "string",
            "maxLength": 255
          },
          "message": {
            "type": "string",
            "maxLength": 65536
          },
          "version": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "readyReplicas": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "desiredReplicas": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "updatedReplicas": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "drift": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 65536
            }
          },
          "rollout": {
            "$ref": "#/components/schemas/ServiceRollout"
          }
        },
        "required": [
          "cluster",
          "state",
          "readyReplicas",
          "desiredReplicas",
          "updatedReplicas"
        ]
      },
      "ServiceRollout": {
        "type": "object",
        "description": "Only in one service's status: the rollout on this cluster, from the watch cache.",
        "properties": {
          "oldReplicas": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647,
            "description": "Pods of older ReplicaSets still running."
          },
          "conditions": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "type": {
                  "type": "string",
                  "maxLength": 255
                },
                "status": {
                  "type": "string",
                  "maxLength": 32
                },
                "reason": {
                  "type": "string",
                  "maxLength": 255
                },
                "message": {
                  "type": "string",
                  "maxLength": 65536
                }
              },
              "required": [
                "type",
                "status"
              ]
            }
          },
          "events": {
            "type": "array",
            "description": "The latest Kubernetes events of the service's objects, oldest first.",
            "items": {
              "$ref": "#/components/schemas/DeploymentEvent"
            }
          }
        },
        "required": [
          "oldReplicas",
          "conditions",
          "events"
        ]
      },
      "ServiceStatus": {
        "type": "object",
        "properties": {
          "application": {
            "type": "string",
            "maxLength": 63
          },
          "service": {
            "type": "string",
            "maxLength": 63
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "deploying",
              "running",
              "degraded",
              "failed"
            ]
          },
          "clusters": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ServiceClusterStatus"
            }
          },
          "inFlight": {
            "type": "string",
            "maxLength": 36,
            "description": "The id of the deployment record in flight, if any."
          },
          "latestDeployment": {
            "$ref": "#/components/schemas/DeploymentRecord"
          }
        },
        "required": [
          "application",
          "service",
          "state",
          "clusters"
        ]
      },
      "Server": {
        "type": "object",
        "description": "A server the team pays for, recorded by hand or imported.",
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 36
          },
          "name": {
            "type": "string",
            "maxLength": 255
          },
          "provider": {
            "type": "string",
            "maxLength": 255,
            "description": "`manual` or the name of the provider that imports it."
          },
          "providerId": {
            "type": "string",
            "maxLength": 255
          },
          "region": {
            "type": "string",
            "maxLength": 255
          },
          "ipAddresses": {
            "type": "array",
            "maxItems": 64,
            "items": {
              "type": "string",
              "maxLength": 255
            }
          },
          "cpu": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "memoryMib": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "diskGib": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "os": {
            "type": "string",
            "maxLength": 255
          },
          "chargeType": {
            "type": "string",
            "maxLength": 255
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "owner": {
            "type": "string",
            "maxLength": 255,
            "description": "Entity ref of the owning Group."
          },
          "tags": {
            "type": "object",
            "maxProperties": 64,
            "additionalProperties": {
              "type": "string",
              "maxLength": 255
            }
          },
          "state": {
            "type": "string",
            "enum": [
              "active",
              "removed"
            ]
          },
          "lastImportedAt": {
            "type": "string",
            "format": "date-time"
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "id",
          "name",
          "provider",
          "providerId",
          "ipAddresses",
          "owner",
          "tags",
          "state",
          "updatedAt"
        ]
      },
      "ServerInput": {
        "type": "object",
        "description": "A server recorded by hand. Dates are ISO 8601 dates or date-times; `expiresAt` may only be left out for pay-as-you-go (`PostPaid`) servers.",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255
          },
          "region": {
            "type": "string",
            "maxLength": 255
          },
          "ipAddresses": {
            "type": "array",
            "maxItems": 64,
            "items": {
              "type": "string",
              "maxLength": 255
            }
          },
          "cpu": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "memoryMib": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "diskGib": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "os": {
            "type": "string",
            "maxLength": 255
          },
          "chargeType": {
            "type": "string",
            "maxLength": 255
          },
          "createdAt": {
            "type": "string",
            "maxLength": 64
          },
          "expiresAt": {
            "type": "string",
            "maxLength": 64
          },
          "owner": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": "Group entity ref (`group:default/team-a` or `team-a`); at most 255 characters written out in full."
          },
          "tags": {
            "type": "object",
            "maxProperties": 64,
            "description": "At most 64, each value at most 255 characters.",
            "additionalProperties": {
              "type": "string",
              "maxLength": 255
            }
          }
        },
        "required": [
          "name",
          "owner"
        ],
        "additionalProperties": false
      },
      "ServerProviderStatus": {
        "type": "object",
        "properties": {
          "provider": {
            "type": "string",
            "maxLength": 255
          },
          "lastRunAt": {
            "type": "string",
            "format": "date-time"
          },
          "lastSuccessAt": {
            "type": "string",
            "format": "date-time"
          },
          "imported": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "removed": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "skipped": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "providerId": {
                  "type": "string",
                  "maxLength": 255
                },
                "name": {
                  "type": "string",
                  "maxLength": 255
                },
                "reason": {
                  "type": "string",
                  "maxLength": 2000
                }
              },
              "required": [
                "reason"
              ]
            }
          },
          "error": {
            "type": "string",
            "maxLength": 2000,
            "description": "Why the import failed, with credentials (keys, tokens, signatures, passwords in URLs) and stack traces removed."
          }
        },
        "required": [
          "provider",
          "imported",
          "removed",
          "skipped"
        ]
      },
      "ServerExpiryScanStatus": {
        "type": "object",
        "properties": {
          "thresholds": {
            "type": "array",
            "description": "Days before expiry at which owners are alerted.",
            "items": {
              "type": "integer",
              "minimum": 0,
              "maximum": 2147483647
            }
          },
          "lastRunAt": {
            "type": "string",
            "format": "date-time"
          },
          "lastFinishedAt": {
            "type": "string",
            "format": "date-time",
            "description": "Absent while the scan runs."
          },
          "alertsSent": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647
          },
          "alertsFailed": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2147483647,
            "description": "Alerts that could not be sent; the next scan retries them."
          },
          "error": {
            "type": "string",
            "maxLength": 2000,
            "description": "Why the scan failed, cleaned like a provider's error."
          }
        },
        "required": [
          "thresholds",
          "alertsSent",
          "alertsFailed"
        ]
      },
      "ServerTaskTrigger": {
        "type": "object",
        "description": "A scheduled task asked to run now. It runs on one backend replica within seconds; the provider's or the scan's status shows when it has.",
        "properties": {
          "task": {
            "type": "string",
            "maxLength": 255
          },
          "triggeredAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "task",
          "triggeredAt"
        ]
      }
    },
    "responses": {
      "ErrorResponse": {
        "description": "An error.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "parameters": {
      "definition": {
        "name": "definition",
        "in": "path",
        "required": true,
        "description": "A middleware definition's name.",
        "schema": {
          "$ref": "#/components/schemas/ResourceName"
        }
      },
      "name": {
        "name": "name",
        "in": "path",
        "required": true,
        "description": "An application's or cluster's name (RFC 1123 label).",
        "schema": {
          "$ref": "#/components/schemas/ResourceName"
        }
      },
      "service": {
        "name": "service",
        "in": "path",
        "required": true,
        "description": "A service's name (RFC 1123 label).",
        "schema": {
          "$ref": "#/components/schemas/ResourceName"
        }
      },
      "instance": {
        "name": "instance",
        "in": "path",
        "required": true,
        "description": "A middleware instance's name (RFC 1123 label).",
        "schema": {
          "$ref": "#/components/schemas/ResourceName"
        }
      },
      "template": {
        "name": "template",
        "in": "path",
        "required": true,
        "description": "A service template's name (RFC 1123 label).",
        "schema": {
          "$ref": "#/components/schemas/ResourceName"
        }
      },
      "deployment": {
        "name": "deployment",
        "in": "path",
        "required": true,
        "description": "A deployment record's id.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 36
        }
      },
      "providerName": {
        "name": "name",
        "in": "path",
        "required": true,
        "description": "A server provider's name.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 255
        }
      },
      "serverId": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 36
        }
      }
    }
  },
  "paths": {
    "/health": {
      "get": {
        "operationId": "GetHealth",
        "description": "Whether the plugin can serve: its database answers and its migrations are applied. Answers 503 when a check fails. Open to callers without credentials, who get only the status; the checks (which may name what fails) need a signed-in user or a service.",
        "security": [],
        "responses": {
          "200": {
            "description": "Every check passed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "503": {
            "description": "A check failed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/clusters": {
      "get": {
        "operationId": "ListClusters",
        "description": "Every registered cluster with its health; the details (`url`, `healthReason`, `skipTLSVerify`) only with app-platform.cluster.read.",
        "responses": {
          "200": {
            "description": "The clusters.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Cluster"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "RegisterCluster",
        "description": "Registers a cluster (admins only). Every field is checked and the cluster is contacted with the given URL, CA and token before anything is stored; on success it is caught up with every application.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ClusterRegistration"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Registered.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Cluster"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/clusters/{name}": {
      "get": {
        "operationId": "GetCluster",
        "description": "One cluster; its details only with app-platform.cluster.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "The cluster.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Cluster"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "UnregisterCluster",
        "description": "Removes a cluster registered through the API (admins only).",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "204": {
            "description": "Removed."
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/namespace-templates": {
      "get": {
        "operationId": "ListNamespaceTemplates",
        "description": "The namespace templates an application may be created from. Needs app-platform.application.create.",
        "responses": {
          "200": {
            "description": "Names of the namespace templates.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "maxLength": 63
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications": {
      "get": {
        "operationId": "ListApplications",
        "description": "The applications the caller may read (app-platform.application.read; a conditional decision of the policy, e.g. owners only, filters the list in the database).",
        "responses": {
          "200": {
            "description": "Every application with its namespace on each cluster.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Application"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "CreateApplication",
        "description": "Records the application and wakes the reconciler, which creates its namespace on every healthy cluster. Invalid or reserved names, unknown owners, unknown templates and duplicates are refused before anything is written, and so is a name whose namespace already exists on a cluster without this installation's label (409 naming the clusters) unless an admin adopts it.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApplicationCreation"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created; `namespaces` tells the result per cluster.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Application"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}": {
      "get": {
        "operationId": "GetApplication",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "The application.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Application"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "patch": {
        "operationId": "UpdateApplication",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApplicationChanges"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The changed application.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Application"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "DeleteApplication",
        "description": "Records that the application is to be deleted and wakes the reconciler, which removes its namespaces (only what the platform created; adopted namespaces lose only the platform's labels and objects) and then the application. Refused (409) while services run in it.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "202": {
            "description": "Deletion goes on in the background (a cluster did not finish in time); `namespaces` tells the state per cluster.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Application"
                }
              }
            }
          },
          "204": {
            "description": "Deleted from every cluster and from the database."
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/status": {
      "get": {
        "operationId": "GetApplicationStatus",
        "description": "The live state of every service of the application on each of its clusters and the aggregate, from the watch caches (no cluster call). Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "application": {
                      "type": "string",
                      "maxLength": 63
                    },
                    "state": {
                      "type": "string",
                      "enum": [
                        "pending",
                        "deploying",
                        "running",
                        "degraded",
                        "failed"
                      ]
                    },
                    "services": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ServiceStatus"
                      }
                    }
                  },
                  "required": [
                    "application",
                    "state",
                    "services"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/service-templates": {
      "get": {
        "operationId": "ListServiceTemplates",
        "description": "The platform's service templates by name and the application's own with their YAML. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "builtIn": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "maxLength": 63
                      }
                    },
                    "application": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ApplicationServiceTemplate"
                      }
                    }
                  },
                  "required": [
                    "builtIn",
                    "application"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/service-templates/{template}": {
      "put": {
        "operationId": "PutServiceTemplate",
        "description": "Adds or replaces a service template of the application, checked as a whole over the default template (400 naming the key); a version uses it with spec.template. Built-in names are refused (409). Needs app-platform.application.update.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/template"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ServiceTemplateInput"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Stored.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApplicationServiceTemplate"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "DeleteServiceTemplate",
        "description": "Removes a service template of the application; refused (409) while a service's current version uses it. Needs app-platform.application.update.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/template"
          }
        ],
        "responses": {
          "204": {
            "description": "Removed."
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/services": {
      "get": {
        "operationId": "ListAllServices",
        "description": "The services of every application the caller may read (app-platform.application.read, by its conditions).",
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Service"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services": {
      "get": {
        "operationId": "ListServices",
        "description": "The services of an application. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Service"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "CreateService",
        "description": "Creates a service (no version yet). Needs app-platform.service.create on the application.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ServiceInput"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Service"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}": {
      "get": {
        "operationId": "GetService",
        "description": "A service. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Service"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "patch": {
        "operationId": "UpdateService",
        "description": "Changes the description or whether the service is public. Needs app-platform.service.update.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ServiceChanges"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Service"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "DeleteService",
        "description": "Records the deletion (a record of action delete) and wakes the engine, which removes the service objects (claims included) from every cluster, then the service. 204 when the service had never been deployed. Needs app-platform.service.delete.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "202": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "204": {
            "description": "Deleted."
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/status": {
      "get": {
        "operationId": "GetServiceStatus",
        "description": "The live state of the service on each cluster it runs on, from the watch caches (no cluster call), with drift from what the platform applied. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ServiceStatus"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/versions": {
      "get": {
        "operationId": "ListServiceVersions",
        "description": "Stored versions, newest first. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100
            }
          },
          {
            "name": "before",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 2147483647
            }
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ServiceVersion"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "CreateServiceVersion",
        "description": "Stores a spec as the service's next version without deploying it (a service created with its first version, deployed later), after checking that it renders. Needs app-platform.service.deploy.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "spec": {
                    "$ref": "#/components/schemas/VersionSpec"
                  }
                },
                "required": [
                  "spec"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ServiceVersion"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/plan": {
      "post": {
        "operationId": "PlanService",
        "description": "What a deploy of the spec, version or record would do on each target cluster, from a server-side dry run compared with the live objects: create, update, delete or unchanged per object with the changed fields (Secret values redacted). Applies nothing. Needs app-platform.service.deploy.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PlanRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "clusters": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ClusterPlan"
                      }
                    }
                  },
                  "required": [
                    "clusters"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/deployments": {
      "get": {
        "operationId": "ListDeployments",
        "description": "The service history, newest first, paginated with the cursor nextCursor; filtered by cluster and result. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100
            }
          },
          {
            "name": "before",
            "in": "query",
            "schema": {
              "type": "string",
              "maxLength": 200
            }
          },
          {
            "name": "cluster",
            "in": "query",
            "schema": {
              "$ref": "#/components/schemas/ResourceName"
            }
          },
          {
            "name": "state",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "deploying",
                "succeeded",
                "failed",
                "superseded"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/DeploymentRecord"
                      }
                    },
                    "nextCursor": {
                      "type": "string",
                      "maxLength": 65536
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "Deploy",
        "description": "Deploys a spec (stored as the next version) or a stored version: writes the record (deploying) with one target per cluster and wakes the engine; answers at once. 409 while another record of the service is in flight (naming it), or when a name is held by another service. Needs app-platform.service.deploy.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DeployRequest"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/deployments/{deployment}": {
      "get": {
        "operationId": "GetDeployment",
        "description": "A record with its per-cluster results. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "$ref": "#/components/parameters/deployment"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/deployments/{deployment}/events": {
      "get": {
        "operationId": "GetDeploymentEvents",
        "description": "The record timeline: the platform steps and the Kubernetes events of its objects on every cluster, oldest first. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "$ref": "#/components/parameters/deployment"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/DeploymentEvent"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/deployments/{deployment}/diff": {
      "get": {
        "operationId": "DiffDeployment",
        "description": "Compares the record with another record (against=<id>, pure) or with what runs on its clusters now (against=live, a dry run). Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "$ref": "#/components/parameters/deployment"
          },
          {
            "name": "against",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 36
            }
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "objects": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/PlannedObject"
                      }
                    },
                    "clusters": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ClusterPlan"
                      }
                    }
                  }
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/deployments/{deployment}/rollback": {
      "post": {
        "operationId": "RollbackDeployment",
        "description": "Applies the spec of this earlier record again as a new record marked as its rollback (plan it first with POST plan and deployment). Needs app-platform.service.rollback.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "$ref": "#/components/parameters/deployment"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RollbackRequest"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/deployments/{deployment}/promote": {
      "post": {
        "operationId": "PromoteDeployment",
        "description": "Applies the spec of a record that succeeded on test clusters to the healthy production clusters (or those given), as a new record that names it in promotedFrom (plan it first with POST plan, deployment and the production clusters). 409 unless the record succeeded and ran on test clusters only. Needs app-platform.service.deploy.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          },
          {
            "$ref": "#/components/parameters/deployment"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RollbackRequest"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/ci": {
      "get": {
        "operationId": "GetServiceCi",
        "description": "The service's CI settings and latest builds. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CiSettings"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "put": {
        "operationId": "UpdateServiceCi",
        "description": "Changes the CI policy or image repository. Needs app-platform.service.update.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CiSettingsChanges"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CiSettings"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/ci/secret": {
      "post": {
        "operationId": "CreateServiceCiSecret",
        "description": "Creates (or rotates) the service's webhook secret and returns it this once; only its SHA-256 is kept, and the previous secret stops working. Needs app-platform.service.update.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CiSecret"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/ci/{provider}": {
      "post": {
        "operationId": "ReceiveCiWebhook",
        "description": "A CI system's webhook. Not authenticated by Backstage: the provider verifies it with the service's webhook secret (401 otherwise). 201: a new version (deployed to the test clusters by the service's policy); 200: the same build again, nothing new; 202: an event that is not a successful build, ignored. 400 malformed, 404 unknown provider or service, 409 no version to build on or no healthy test cluster; a refused webhook writes nothing.",
        "security": [],
        "parameters": [
          {
            "name": "provider",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "maxLength": 32,
              "pattern": "^[a-z0-9-]+$"
            }
          },
          {
            "name": "application",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "maxLength": 63
            }
          },
          {
            "name": "service",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "maxLength": 63
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "The CI system's own payload (its provider reads it), within the plugin's 2 MB body limit.",
                "maxProperties": 200,
                "additionalProperties": {}
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The same build again.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CiReceipt"
                }
              }
            }
          },
          "201": {
            "description": "A new build.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CiReceipt"
                }
              }
            }
          },
          "202": {
            "description": "Ignored.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CiReceipt"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/stop": {
      "post": {
        "operationId": "StopService",
        "description": "Scales the service to zero on its clusters, as a record. Needs app-platform.service.deploy.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "202": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/services/{service}/start": {
      "post": {
        "operationId": "StartService",
        "description": "Scales a stopped service back to its version replicas, as a record. Needs app-platform.service.deploy.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/service"
          }
        ],
        "responses": {
          "202": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/middleware/instances": {
      "get": {
        "operationId": "ListAllMiddlewareInstances",
        "description": "The middleware instances of every application the caller may read (app-platform.application.read, conditional on ownership).",
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/MiddlewareInstance"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/middleware": {
      "get": {
        "operationId": "ListMiddlewareInstances",
        "description": "The middleware instances of an application with their state, bindings and whether their definition changed. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/MiddlewareInstance"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "InstallMiddleware",
        "description": "Installs a definition into the application: validates the parameters (400 naming the field), generates passwords not given, stores the instance and its first record in one transaction and wakes the reconciler. 409 when the name is taken by a service or instance. Needs app-platform.service.create on the application.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "name": {
                    "$ref": "#/components/schemas/ResourceName"
                  },
                  "definition": {
                    "$ref": "#/components/schemas/ResourceName"
                  },
                  "parameters": {
                    "$ref": "#/components/schemas/MiddlewareParameters"
                  },
                  "clusters": {
                    "$ref": "#/components/schemas/TargetClusters"
                  },
                  "description": {
                    "type": "string",
                    "maxLength": 4096
                  }
                },
                "required": [
                  "name",
                  "definition"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created; the record is in flight.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MiddlewareInstallResult"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/middleware/{instance}": {
      "get": {
        "operationId": "GetMiddlewareInstance",
        "description": "One middleware instance. Needs app-platform.application.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/instance"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MiddlewareInstance"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "UninstallMiddleware",
        "description": "Uninstalls the instance: its objects leave every cluster in reverse order, then the instance goes. The volume claims stay unless deleteData=true. 409 naming the services whose current version binds it. 202 with the delete record, or 204 when it ran nowhere. Needs app-platform.service.delete on the instance.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/instance"
          },
          {
            "name": "deleteData",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "true",
                "false"
              ]
            }
          }
        ],
        "responses": {
          "202": {
            "description": "The delete record, in flight.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeploymentRecord"
                }
              }
            }
          },
          "204": {
            "description": "Nothing ran anywhere; the instance is gone."
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/middleware/{instance}/plan": {
      "post": {
        "operationId": "PlanMiddleware",
        "description": "What installing (the instance does not exist: definition required) or upgrading it would do on each target cluster, from a server-side dry run; Secret values redacted; applies nothing. Needs app-platform.service.create on the application for an install, app-platform.service.deploy on the instance for an upgrade.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/instance"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "definition": {
                    "$ref": "#/components/schemas/ResourceName"
                  },
                  "parameters": {
                    "$ref": "#/components/schemas/MiddlewareParameters"
                  },
                  "clusters": {
                    "$ref": "#/components/schemas/TargetClusters"
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "clusters": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ClusterPlan"
                      }
                    }
                  },
                  "required": [
                    "clusters"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/applications/{name}/middleware/{instance}/upgrade": {
      "post": {
        "operationId": "UpgradeMiddleware",
        "description": "Re-renders the instance with the definition as loaded now and the parameters merged over its current ones (top-level keys replace; a password left out or sent as <redacted> is kept), as a new version and record. Needs app-platform.service.deploy on the instance.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/instance"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "parameters": {
                    "$ref": "#/components/schemas/MiddlewareParameters"
                  },
                  "clusters": {
                    "$ref": "#/components/schemas/TargetClusters"
                  },
                  "description": {
                    "type": "string",
                    "maxLength": 4096
                  }
                },
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The record is in flight.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MiddlewareInstallResult"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/middleware/definitions": {
      "get": {
        "operationId": "ListMiddlewareDefinitions",
        "description": "The app store's middleware definitions with the JSON Schema of their parameters, and the definition folders that could not be read with the reason. Needs app-platform.middleware.read.",
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/MiddlewareDefinitionSummary"
                      }
                    },
                    "problems": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "name": {
                            "type": "string",
                            "maxLength": 255
                          },
                          "message": {
                            "type": "string",
                            "maxLength": 8192
                          }
                        },
                        "required": [
                          "name",
                          "message"
                        ]
                      }
                    }
                  },
                  "required": [
                    "items",
                    "problems"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/middleware/definitions/{definition}": {
      "get": {
        "operationId": "GetMiddlewareDefinition",
        "description": "One middleware definition. Needs app-platform.middleware.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/definition"
          }
        ],
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MiddlewareDefinitionSummary"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/middleware/definitions/{definition}/preview": {
      "post": {
        "operationId": "PreviewMiddleware",
        "description": "What installing the definition with these parameters would create, rendered but applied nowhere: the objects, their manifests (Secret data redacted), the parameters with defaults (passwords redacted) and the env vars a bound service would receive. 400 names a parameter that does not match the definition's schema. Needs app-platform.middleware.read.",
        "parameters": [
          {
            "$ref": "#/components/parameters/definition"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "instance": {
                    "$ref": "#/components/schemas/ResourceName"
                  },
                  "application": {
                    "$ref": "#/components/schemas/ResourceName"
                  },
                  "parameters": {
                    "type": "object",
                    "maxProperties": 64,
                    "additionalProperties": {}
                  }
                },
                "required": [
                  "instance"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MiddlewarePreview"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/servers": {
      "get": {
        "operationId": "ListServers",
        "description": "The server inventory, soonest expiry first.",
        "parameters": [
          {
            "name": "owner",
            "in": "query",
            "description": "Only servers of this Group entity ref.",
            "schema": {
              "type": "string",
              "maxLength": 255
            }
          },
          {
            "name": "provider",
            "in": "query",
            "schema": {
              "type": "string",
              "maxLength": 255
            }
          },
          {
            "name": "state",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "active",
                "removed"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The servers.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Server"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "CreateServer",
        "description": "Records a server by hand (needs app-platform.server.create).",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ServerInput"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Recorded.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Server"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/servers/providers": {
      "get": {
        "operationId": "ListServerProviders",
        "description": "Every configured server provider and how its last import went, with the records it skipped and why; one that has not run yet has no lastRunAt.",
        "responses": {
          "200": {
            "description": "The providers' status.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ServerProviderStatus"
                      }
                    }
                  },
                  "required": [
                    "items"
                  ]
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/servers/providers/{name}/import": {
      "post": {
        "operationId": "TriggerServerImport",
        "description": "Runs the provider's import now instead of at its next scheduled time (needs app-platform.server.import). 404 for an unknown provider, 409 while an import of it runs.",
        "parameters": [
          {
            "$ref": "#/components/parameters/providerName"
          }
        ],
        "responses": {
          "202": {
            "description": "The import will run within seconds.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ServerTaskTrigger"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/servers/expiry-scan": {
      "get": {
        "operationId": "GetServerExpiryScan",
        "description": "The alert thresholds and how the last expiry scan went.",
        "responses": {
          "200": {
            "description": "The scan's status.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ServerExpiryScanStatus"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "TriggerServerExpiryScan",
        "description": "Runs the expiry scan now instead of at its daily time (needs app-platform.server.import); alerts already sent are not sent again. 409 while a scan runs.",
        "responses": {
          "202": {
            "description": "The scan will run within seconds.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ServerTaskTrigger"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/servers/{id}": {
      "get": {
        "operationId": "GetServer",
        "parameters": [
          {
            "$ref": "#/components/parameters/serverId"
          }
        ],
        "responses": {
          "200": {
            "description": "The server.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Server"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "put": {
        "operationId": "UpdateServer",
        "description": "Replaces a server recorded by hand (needs app-platform.server.manage on it, e.g. as its owner). Imported servers change at their provider: 409.",
        "parameters": [
          {
            "$ref": "#/components/parameters/serverId"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ServerInput"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Updated.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Server"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "delete": {
        "operationId": "DeleteServer",
        "description": "Deletes a server recorded by hand (needs app-platform.server.manage on it). Imported servers are marked removed by their import instead: 409.",
        "parameters": [
          {
            "$ref": "#/components/parameters/serverId"
          }
        ],
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    }
  }
} as const;

export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
) => createValidatedOpenApiRouter<typeof spec>(spec, options);
