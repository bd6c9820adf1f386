// This file is generated from openapi.yaml by scripts/generate-openapi.mjs; do not edit.
/* eslint-disable */
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';

export const spec = {
  "openapi": "3.0.3",
  "info": {
    "title": "app-platform",
    "version": "1",
    "description": "The App Platform backend: applications, services and middleware on the registered Kubernetes clusters. Served under /api/app-platform.",
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
                "type": "string"
              },
              "message": {
                "type": "string"
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
                "type": "string"
              },
              "url": {
                "type": "string"
              }
            }
          },
          "response": {
            "type": "object",
            "properties": {
              "statusCode": {
                "type": "integer"
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
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "ok",
              "failing"
            ]
          },
          "message": {
            "type": "string"
          }
        },
        "required": [
          "name",
          "status"
        ]
      },
      "Health": {
        "type": "object",
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
            "items": {
              "$ref": "#/components/schemas/HealthCheck"
            }
          }
        },
        "required": [
          "status",
          "checks"
        ]
      },
      "Cluster": {
        "type": "object",
        "description": "A registered cluster. Its token is never part of any answer.",
        "properties": {
          "name": {
            "type": "string"
          },
          "url": {
            "type": "string"
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
            "additionalProperties": {
              "type": "string"
            }
          },
          "skipTLSVerify": {
            "type": "boolean"
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
            "type": "string"
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
          "url",
          "environment",
          "labels",
          "skipTLSVerify",
          "source",
          "health",
          "createdAt"
        ]
      },
      "ClusterRegistration": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string",
            "description": "RFC 1123 label."
          },
          "url": {
            "type": "string",
            "description": "URL of the Kubernetes API server."
          },
          "caData": {
            "type": "string",
            "description": "PEM (or base64 of PEM) of the API server's CA."
          },
          "token": {
            "type": "string",
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
            "additionalProperties": {
              "type": "string"
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
            "type": "string"
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "ready",
              "failed"
            ]
          },
          "message": {
            "type": "string"
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "cluster",
          "state",
          "updatedAt"
        ]
      },
      "Application": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "owner": {
            "type": "string",
            "description": "Entity ref of the owning Group."
          },
          "namespaceTemplate": {
            "type": "string"
          },
          "createdBy": {
            "type": "string"
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
            "items": {
              "$ref": "#/components/schemas/ApplicationNamespace"
            }
          }
        },
        "required": [
          "name",
          "owner",
          "namespaceTemplate",
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
            "type": "string",
            "description": "RFC 1123 label; also the namespace name on every cluster."
          },
          "owner": {
            "type": "string",
            "description": "Entity ref of a catalog Group, e.g. group:default/team-a."
          },
          "title": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "namespaceTemplate": {
            "type": "string",
            "description": "Name of a namespace template; defaults to \"default\"."
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
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "owner": {
            "type": "string"
          }
        },
        "additionalProperties": false
      },
      "Server": {
        "type": "object",
        "description": "A server the team pays for, recorded by hand or imported.",
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "provider": {
            "type": "string",
            "description": "`manual` or the name of the provider that imports it."
          },
          "providerId": {
            "type": "string"
          },
          "region": {
            "type": "string"
          },
          "ipAddresses": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "cpu": {
            "type": "integer"
          },
          "memoryMib": {
            "type": "integer"
          },
          "diskGib": {
            "type": "integer"
          },
          "os": {
            "type": "string"
          },
          "chargeType": {
            "type": "string"
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
            "description": "Entity ref of the owning Group."
          },
          "tags": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
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
            "minLength": 1
          },
          "region": {
            "type": "string"
          },
          "ipAddresses": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "cpu": {
            "type": "integer",
            "minimum": 0
          },
          "memoryMib": {
            "type": "integer",
            "minimum": 0
          },
          "diskGib": {
            "type": "integer",
            "minimum": 0
          },
          "os": {
            "type": "string"
          },
          "chargeType": {
            "type": "string"
          },
          "createdAt": {
            "type": "string"
          },
          "expiresAt": {
            "type": "string"
          },
          "owner": {
            "type": "string",
            "description": "Group entity ref (`group:default/team-a` or `team-a`)."
          },
          "tags": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
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
            "type": "string"
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
            "type": "integer"
          },
          "removed": {
            "type": "integer"
          },
          "skipped": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "providerId": {
                  "type": "string"
                },
                "name": {
                  "type": "string"
                },
                "reason": {
                  "type": "string"
                }
              },
              "required": [
                "reason"
              ]
            }
          },
          "error": {
            "type": "string"
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
              "type": "integer"
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
            "type": "integer"
          },
          "alertsFailed": {
            "type": "integer",
            "description": "Alerts that could not be sent; the next scan retries them."
          },
          "error": {
            "type": "string"
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
            "type": "string"
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
      "name": {
        "name": "name",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string"
        }
      }
    }
  },
  "paths": {
    "/health": {
      "get": {
        "operationId": "GetHealth",
        "description": "Whether the plugin can serve: its database answers and its migrations are applied. Answers 503 with the same body when a check fails.",
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
        "description": "Every registered cluster with its health.",
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
                        "type": "string"
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
        "description": "Creates an application and its namespace on every healthy cluster. Invalid names, unknown owners, unknown templates and duplicates are refused before anything is written.",
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
        "description": "Deletes the application's namespaces and then the application. Refused (409) while services run in it.",
        "parameters": [
          {
            "$ref": "#/components/parameters/name"
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
              "type": "string"
            }
          },
          {
            "name": "provider",
            "in": "query",
            "schema": {
              "type": "string"
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
            "$ref": "#/components/parameters/name"
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
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
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
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
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
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
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
