// Entry point for `azd up` / `azd provision` (azure.yaml): one resource group per azd
// environment, with everything in it from azure.bicep. Parameters come from
// main.parameters.json, filled by azd from the environment (.azure/<name>/.env), where
// infra/hooks/ensureSecrets.mjs put the two generated secrets before the first provision.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group rg-<name> and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (the bot registration itself is global).')
param location string

@secure()
@description('DOWNLOAD_LINK_SECRET (64 hex characters), generated once per environment by the preprovision hook.')
param downloadLinkSecret string

@secure()
@description('BLOB_NAME_KEY, generated once per environment by the preprovision hook.')
param blobNameKey string

@maxLength(42)
param botDisplayName string = 'Checkinatwork emergency'

param appServicePlanSku string = 'B1'

@minValue(2)
param instanceCount int = 2

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources './azure.bicep' = {
  name: 'checkinatwork-bot'
  scope: rg
  params: {
    resourceBaseName: 'ciaw${take(resourceToken, 10)}'
    location: location
    botDisplayName: botDisplayName
    appServicePlanSku: appServicePlanSku
    instanceCount: instanceCount
    downloadLinkSecret: downloadLinkSecret
    blobNameKey: blobNameKey
    tags: tags
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_APP_SERVICE_RESOURCE_ID string = resources.outputs.AZURE_APP_SERVICE_RESOURCE_ID
output BOT_PUBLIC_URL string = resources.outputs.BOT_PUBLIC_URL
output BOT_MESSAGING_ENDPOINT string = resources.outputs.BOT_MESSAGING_ENDPOINT
output BOT_SERVICE_NAME string = resources.outputs.BOT_SERVICE_NAME
output PUBLIC_BASE_URL string = resources.outputs.PUBLIC_BASE_URL
output MicrosoftAppId string = resources.outputs.MicrosoftAppId
output MicrosoftAppType string = resources.outputs.MicrosoftAppType
output MicrosoftAppTenantId string = resources.outputs.MicrosoftAppTenantId
output TEAMS_APP_ID string = resources.outputs.TEAMS_APP_ID
output AZURE_STORAGE_ACCOUNT_URL string = resources.outputs.AZURE_STORAGE_ACCOUNT_URL
output LOG_ANALYTICS_WORKSPACE_NAME string = resources.outputs.LOG_ANALYTICS_WORKSPACE_NAME
